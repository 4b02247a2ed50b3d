package io.parquetry.console.security;

import io.parquetry.console.ConsoleProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.web.filter.OncePerRequestFilter;

@Configuration
class SecurityConfig {

    static final String ROLE = "OPERATOR";

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, ConsoleProperties props) throws Exception {
        boolean controls = props.security().configured();
        BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
        basic.setRealmName("parquetry-console");
        http.authorizeHttpRequests(a -> {
            a.requestMatchers(HttpMethod.GET, "/**").permitAll();
            a.requestMatchers(HttpMethod.HEAD, "/**").permitAll();
            if (controls) {
                a.anyRequest().hasRole(ROLE);
            } else {
                a.anyRequest().denyAll();
            }
        });
        http.httpBasic(b -> b.authenticationEntryPoint(basic));
        http.formLogin(f -> f.loginPage("/login.html").loginProcessingUrl("/login").defaultSuccessUrl("/", false)
                .failureUrl("/login.html?error"));
        http.logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/"));
        // API requests get a 401 with a Basic challenge; pages redirect to the login page.
        http.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(basic, r -> r.getRequestURI().startsWith("/api/")
                || r.getRequestURI().startsWith("/actuator/")));
        // Browser sessions need the CSRF token (cookie XSRF-TOKEN, sent back as header X-XSRF-TOKEN or field _csrf).
        // Requests carrying their own Authorization header cannot be forged cross-site, so they are exempt.
        http.csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                .ignoringRequestMatchers(r -> r.getHeader("Authorization") != null));
        http.addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class);
        http.headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")));
        return http.build();
    }

    /** The configured operator, if any. Always defined, so Spring Boot never generates a default password. */
    @Bean
    UserDetailsService users(ConsoleProperties props, PasswordEncoder encoder) {
        InMemoryUserDetailsManager m = new InMemoryUserDetailsManager();
        ConsoleProperties.Security s = props.security();
        if (s.configured()) {
            // ConsoleProperties.Security checked at binding that a hash names its encoding ({bcrypt}...).
            String hash = s.passwordHash() != null && !s.passwordHash().isBlank() ? s.passwordHash() : encoder.encode(s.password());
            m.createUser(User.withUsername(s.username()).password(hash).roles(ROLE).build());
        }
        return m;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Loads the deferred CSRF token on every request so the cookie is always there for the page's script. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
