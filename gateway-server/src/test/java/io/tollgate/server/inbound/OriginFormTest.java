package io.tollgate.server.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginFormTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/models                          | /v1/models
            /v1/models?limit=1                  | /v1/models?limit=1
            /admin/keys?next=http://x/y         | /admin/keys?next=http://x/y
            http://gw.example/v1/models         | /v1/models
            HTTPS://gw.example:8443/v1/models?a | /v1/models?a
            http://gw.example                   | /
            http://gw.example?a=b/c             | /?a=b/c
            *                                   | *
            """)
    void requestTargetBecomesPathAndQuery(String target, String expected) {
        assertThat(GatewayHandler.originForm(target)).isEqualTo(expected);
    }
}
