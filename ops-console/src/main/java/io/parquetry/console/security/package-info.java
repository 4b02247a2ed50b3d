/**
 * Who may use the console's controls: read-only views are open, every other request needs an operator login (a form
 * for browsers, HTTP Basic for API clients) and, for browser sessions, a CSRF token. No credentials, no controls.
 */
package io.parquetry.console.security;
