package dev.weir.processor.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTemplaterTest {
    private final RouteTemplater templater = new RouteTemplater();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/v1/patients/123, /api/v1/patients/{id}",
            "/orders/1042/pay, /orders/{id}/pay",
            "/users/3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f, /users/{id}",
            "/blobs/5f2b9c1a7e, /blobs/{id}",
            "/sessions/01HV8Z3K9QW4RMX2T7YB5N6C0D, /sessions/{id}",
            "/orders/1042?page=2, /orders/{id}",
            "/api/v2/health, /api/v2/health",
            "/deadbeef, /deadbeef",
            "/, /",
            "'', /",
            "https://shop.example/cart/7?x=1, /cart/{id}",
            // a UUID can be all letters: the only id shape without a digit
            "/users/abcdefab-abcd-abcd-abcd-abcdefabcdef/cart, /users/{id}/cart",
            "/users/ABCDEFABABCDABCDABCDABCDEFABCDEF, /users/{id}",
            "/feeds/deadbeefcafebabefeedfacedeadbeefcafe, /feeds/deadbeefcafebabefeedfacedeadbeefcafe",
            "/products/verylongproductnamewithoutdigits, /products/verylongproductnamewithoutdigits",
            "/products/-12.5, /products/{id}"
    })
    void shouldTemplateIdentifierSegments(String path, String route) {
        assertThat(templater.template(path)).isEqualTo(route);
    }
}
