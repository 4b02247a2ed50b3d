package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** Start-up validation, and the console without credentials. */
class ConsoleConfigTest {

    private static ConfigurableApplicationContext start(String... props) {
        return new SpringApplicationBuilder(ConsoleApplication.class).properties("server.port=0").properties(props).run();
    }

    @Test
    void invalidConfigFailsAtStartNamingKeyAndValue() {
        assertThatThrownBy(() -> start("parquetry.console.converters[0].id=bad id!", "parquetry.console.converters[0].status-file=/x"))
                .hasStackTraceContaining("parquetry.console.converters[0].id").hasStackTraceContaining("bad id!");
        assertThatThrownBy(() -> start("parquetry.console.lag-warn-records=-5")).hasStackTraceContaining("lag-warn-records")
                .hasStackTraceContaining("-5");
        assertThatThrownBy(() -> start("parquetry.console.stale-after=soon")).hasStackTraceContaining("stale-after")
                .hasStackTraceContaining("soon");
        assertThatThrownBy(() -> start("parquetry.console.converters[0].id=a", "parquetry.console.converters[0].status-file=/x",
                "parquetry.console.recorders[0].id=a", "parquetry.console.recorders[0].status-file=/y"))
                .hasStackTraceContaining("duplicate watched id").hasStackTraceContaining("id=a");
    }

    @Test
    void shippedConfigStartsTheConsole() {
        java.nio.file.Path conf = java.nio.file.Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/console.yaml");
        try (ConfigurableApplicationContext ctx = start("spring.config.additional-location=file:" + conf.toAbsolutePath())) {
            ConsoleProperties p = ctx.getBean(ConsoleProperties.class);
            assertThat(p.converters()).extracting(ConsoleProperties.Watched::id).containsExactly("market-data");
            assertThat(p.recorders()).extracting(ConsoleProperties.Watched::id).containsExactly("market-data-recorder");
            assertThat(p.security().configured()).isFalse();
        }
    }

    @Test
    void withoutCredentialsTheControlsAreDisabledAndThePageSaysWhy() throws Exception {
        try (ConfigurableApplicationContext ctx = start("parquetry.console.converters[0].id=md",
                "parquetry.console.converters[0].status-file=/nonexistent/converter.status")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx)
                    .apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity()).build();
            mvc.perform(get("/api/session")).andExpect(jsonPath("$.controlsEnabled").value(false))
                    .andExpect(jsonPath("$.reason").value(org.hamcrest.Matchers.containsString("no credentials are configured")));
            mvc.perform(post("/api/converters/md/flush").with(SecurityMockMvcRequestPostProcessors.httpBasic("user", "password")))
                    .andExpect(status().isUnauthorized());
            mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("missing"));
            assertThat(ctx.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
        }
    }
}
