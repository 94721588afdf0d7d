package dev.weir.processor.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorFingerprinterTest {
    private final ErrorFingerprinter fp = new ErrorFingerprinter(FingerprintSettings.DEFAULTS);

    private static final String TRACE = """
            java.sql.SQLTimeoutException: timeout after 3000 ms for order 1042
            \tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:420)
            \tat dev.shop.OrderRepository.find(OrderRepository.java:%d)
            \tat dev.shop.OrderService.load(OrderService.java:%d)
            \tat java.base/java.lang.Thread.run(Thread.java:833)
            """;

    @Test
    void shouldIgnoreLineNumbersAndMessageInStackTraces() {
        assertThat(fp.fingerprint(null, "a", TRACE.formatted(10, 20))).isEqualTo(fp.fingerprint(null, "b", TRACE.formatted(11, 99)));
    }

    @Test
    void shouldDistinguishDifferentInAppFrames() {
        String other = TRACE.formatted(10, 20).replace("OrderService.load", "OrderService.save");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isNotEqualTo(fp.fingerprint(null, null, other));
    }

    @Test
    void shouldIgnoreLibraryFramesWhenInAppFramesExist() {
        String otherLibrary = TRACE.formatted(10, 20).replace("org.postgresql.jdbc.PgStatement.execute", "com.zaxxer.hikari.Proxy.execute");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isEqualTo(fp.fingerprint(null, null, otherLibrary));
    }

    @Test
    void shouldDistinguishExceptionTypes() {
        String other = TRACE.formatted(10, 20).replace("SQLTimeoutException", "SQLSyntaxErrorException");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isNotEqualTo(fp.fingerprint(null, null, other));
    }

    @Test
    void shouldUseConfiguredInAppPackages() {
        ErrorFingerprinter onlyService = new ErrorFingerprinter(new FingerprintSettings(List.of("dev.shop.OrderService"), 5));
        String otherRepository = TRACE.formatted(10, 20).replace("OrderRepository.find", "OrderRepository.get");
        assertThat(onlyService.fingerprint(null, null, TRACE.formatted(10, 20)))
                .isEqualTo(onlyService.fingerprint(null, null, otherRepository));
    }

    @Test
    void shouldGroupMessagesThatDifferInNumbersIdsIpsAndUuids() {
        String a = fp.fingerprint("Timeout", "call 17 to 10.0.0.1:8080 for 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f blob 5f2b9c1a7e", null);
        String b = fp.fingerprint("Timeout", "call 18 to 10.0.0.2:9090 for 00000000-1111-2222-3333-444444444444 blob 9a8b7c6d5e", null);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void shouldSeparateDifferentMessages() {
        assertThat(fp.fingerprint(null, "disk full", null)).isNotEqualTo(fp.fingerprint(null, "disk missing", null));
    }

    @Test
    void shouldReturnNullWithoutAnyErrorText() {
        assertThat(fp.fingerprint(null, " ", null)).isNull();
    }

    @Test
    void shouldReadExceptionTypeFromFirstLine() {
        assertThat(ErrorFingerprinter.exceptionType(TRACE.formatted(1, 2))).isEqualTo("java.sql.SQLTimeoutException");
    }

    private static final String PYTHON = """
            Traceback (most recent call last):
              File "/app/orders/pricing.py", line %d, in compute_total
                return sum(i["price"] * i["qty"] for i in items)
              File "/app/orders/pricing.py", line 17, in <genexpr>
                return sum(i["price"] * i["qty"] for i in items)
            KeyError: 'price'

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py", line 197, in _get_response
                response = wrapped_callback(request, *callback_args, **callback_kwargs)
              File "/app/orders/views.py", line %d, in create
                total = compute_total(items)
            orders.errors.PricingError: no price for item 7
            """;

    @Test
    void shouldReadTheRaisedExceptionOfAChainedPythonTraceback() {
        assertThat(ErrorFingerprinter.exceptionType(PYTHON.formatted(17, 40))).isEqualTo("orders.errors.PricingError");
        assertThat(ErrorFingerprinter.exceptionMessage(PYTHON.formatted(17, 40))).isEqualTo("no price for item 7");
    }

    @Test
    void shouldGroupPythonTracebacksWithoutLineNumbersAndTellCausesApart() {
        String base = fp.fingerprint(null, null, PYTHON.formatted(17, 40));
        assertThat(fp.fingerprint(null, null, PYTHON.formatted(19, 44))).isEqualTo(base);
        assertThat(fp.fingerprint(null, null, PYTHON.formatted(17, 40).replace("KeyError: 'price'", "TypeError: bad operand")))
                .as("another cause in the chain").isNotEqualTo(base);
        assertThat(fp.fingerprint(null, null, PYTHON.formatted(17, 40).replace("in create", "in update")))
                .as("another in-app function").isNotEqualTo(base);
        assertThat(fp.fingerprint(null, null, PYTHON.formatted(17, 40).replace("in _get_response", "in get_response")))
                .as("a library frame").isEqualTo(base);
    }

    private static final String NODE = """
            TypeError: Cannot read properties of undefined (reading 'id')
                at OrderService.total (/app/src/services/order.js:%d:17)
                at Array.map (<anonymous>)
                at async Object.handler (/app/dist/routes.%s.js:12:5)
                at async Promise.all (index 0)
                at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
            """;

    @Test
    void shouldGroupNodeStacksWithoutPositionsOrBundleHashes() {
        String base = fp.fingerprint(null, null, NODE.formatted(42, "3f2a1b9c"));
        assertThat(ErrorFingerprinter.exceptionType(NODE.formatted(42, "3f2a1b9c"))).isEqualTo("TypeError");
        assertThat(ErrorFingerprinter.exceptionMessage(NODE.formatted(42, "3f2a1b9c")))
                .isEqualTo("Cannot read properties of undefined (reading 'id')");
        assertThat(fp.fingerprint(null, null, NODE.formatted(57, "9e8d7c6b"))).isEqualTo(base);
        assertThat(fp.fingerprint(null, null, NODE.formatted(42, "3f2a1b9c").replace("OrderService.total", "OrderService.tax")))
                .isNotEqualTo(base);
    }

    private static final String CHROME = """
            TypeError: Cannot read properties of undefined (reading 'total')
                at renderCart (%s/static/cart.js?v=%d:14:9)
                at HTMLButtonElement.<anonymous> (%s/static/cart.js?v=%d:3:5)
            """;
    private static final String FIREFOX = """
            renderCart@%s/static/cart.js?v=%d:14:9
            @%s/static/cart.js?v=%d:3:5
            """;

    @Test
    void shouldGroupBrowserStacksWhateverTheOriginAndCacheBustingQuery() {
        String base = fp.fingerprint(null, null, CHROME.formatted("https://shop.example.com", 1, "https://shop.example.com", 1));
        assertThat(fp.fingerprint(null, null, CHROME.formatted("http://127.0.0.1:41234", 7, "http://127.0.0.1:41234", 7)))
                .isEqualTo(base);
        assertThat(fp.fingerprint(null, null, CHROME.formatted("https://shop.example.com", 1, "https://shop.example.com", 1)
                .replace("renderCart", "renderTotals"))).isNotEqualTo(base);
        String gecko = fp.fingerprint("TypeError", "cart is undefined", FIREFOX.formatted("https://a.example", 1, "https://a.example", 1));
        assertThat(fp.fingerprint("TypeError", "cart is undefined", FIREFOX.formatted("http://localhost:8080", 2, "http://localhost:8080", 2)))
                .isEqualTo(gecko);
        assertThat(StackTraces.language(FIREFOX.formatted("https://a.example", 1, "https://a.example", 1)))
                .isEqualTo(StackTraces.Language.JAVASCRIPT);
        assertThat(StackTraces.browserPath("https://a.example:8443/js/app.js?v=3#x")).isEqualTo("/js/app.js");
        assertThat(StackTraces.browserPath("/app/src/order.js")).isEqualTo("/app/src/order.js");
    }

    private static final String GO = """
            panic: runtime error: index out of range [%d] with length 3

            goroutine %d [running]:
            github.com/acme/shop/internal/orders.(*Service).Total(0xc00011a000, {0xc000012345, 0x3, 0x3})
            	/build/internal/orders/service.go:%d +0x1c
            github.com/acme/shop/internal/orders.(*Service).Handle.func1()
            	/build/internal/orders/handler.go:88 +0x45
            net/http.HandlerFunc.ServeHTTP(0xc000100000, {0x7f, 0xc0001}, 0xc000200000)
            	/usr/local/go/src/net/http/server.go:2136 +0x29
            github.com/go-chi/chi/v5.(*Mux).routeHTTP(0xc0000b2000, {0x7f, 0xc0001}, 0xc000200000)
            	/root/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:444 +0x216
            created by net/http.(*Server).Serve in goroutine 1
            	/usr/local/go/src/net/http/server.go:3086 +0x4cc
            exit status 2
            """;

    @Test
    void shouldGroupGoPanicsAcrossGoroutinesArgumentsOffsetsAndLines() {
        String base = fp.fingerprint(null, null, GO.formatted(5, 1, 42));
        assertThat(ErrorFingerprinter.exceptionType(GO.formatted(5, 1, 42))).isEqualTo("panic");
        assertThat(ErrorFingerprinter.exceptionMessage(GO.formatted(5, 1, 42))).isEqualTo("runtime error: index out of range [5] with length 3");
        assertThat(fp.fingerprint(null, null, GO.formatted(5, 77, 47))).isEqualTo(base);
        assertThat(fp.fingerprint(null, null, GO.formatted(5, 1, 42).replace(".Handle.func1", ".Update.func1"))).isNotEqualTo(base);
        assertThat(fp.fingerprint(null, null, GO.formatted(5, 1, 42).replace("mux.go:444", "mux.go:450")
                .replace("routeHTTP", "ServeHTTP"))).as("a dependency's frame").isEqualTo(base);
    }

    private static final String DOTNET = """
            System.AggregateException: One or more errors occurred. (Sequence contains no elements)
             ---> System.InvalidOperationException: Sequence contains no elements
               at System.Linq.ThrowHelper.ThrowNoElementsException()
               at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)
               at Shop.Orders.OrderService.<GetLatestAsync>d__%d.MoveNext() in /src/Shop/Orders/OrderService.cs:line %d
            --- End of stack trace from previous location ---
               at Shop.Orders.OrdersController.<>c__DisplayClass4_0.<Get>b__%d(Order o) in /src/Shop/Orders/OrdersController.cs:line 31
               --- End of inner exception stack trace ---
               at System.Threading.Tasks.Task.Wait()
               at Shop.Orders.OrdersController.Get(Int32 id) in /src/Shop/Orders/OrdersController.cs:line 28
            """;

    @Test
    void shouldGroupDotnetExceptionsWithoutGeneratedNamesAndReadTheOuterOne() {
        String base = fp.fingerprint(null, null, DOTNET.formatted(5, 57, 0));
        assertThat(ErrorFingerprinter.exceptionType(DOTNET.formatted(5, 57, 0))).isEqualTo("System.AggregateException");
        assertThat(fp.fingerprint(null, null, DOTNET.formatted(9, 61, 2))).isEqualTo(base);
        assertThat(fp.fingerprint(null, null, DOTNET.formatted(5, 57, 0).replace("System.InvalidOperationException",
                "System.NullReferenceException"))).as("another inner exception").isNotEqualTo(base);
    }

    @Test
    void shouldNotTakeAnotherLanguagesTraceForJava() {
        assertThat(StackTraces.language(PYTHON.formatted(1, 2))).isEqualTo(StackTraces.Language.PYTHON);
        assertThat(StackTraces.language(NODE.formatted(1, "a"))).isEqualTo(StackTraces.Language.JAVASCRIPT);
        assertThat(StackTraces.language(GO.formatted(1, 1, 1))).isEqualTo(StackTraces.Language.GO);
        assertThat(StackTraces.language(DOTNET.formatted(1, 1, 1))).isEqualTo(StackTraces.Language.DOTNET);
        assertThat(StackTraces.language(TRACE.formatted(1, 2))).isEqualTo(StackTraces.Language.JAVA);
    }
}
