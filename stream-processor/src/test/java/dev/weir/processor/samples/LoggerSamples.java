package dev.weir.processor.samples;

/**
 * One real-looking line of each language's logger, as it writes them with its usual JSON configuration, and a
 * second occurrence of the same error from another deploy (other line numbers, another install path, another
 * process), whose fingerprint must be the same. Times are 2025-03-14T09:26:53.589Z (and a little later).
 */
public final class LoggerSamples {
    private LoggerSamples() {
    }

    /** python-json-logger, {@code %(asctime)s %(levelname)s %(name)s %(message)s} plus process, thread and caller. */
    public static final String PYTHON_JSON_LOGGER = """
            {"asctime": "2025-03-14 09:26:53,589", "levelname": "ERROR", "name": "orders.api", "message": "Order creation failed", \
            "exc_info": "Traceback (most recent call last):\\n  File \\"/app/orders/pricing.py\\", line 17, in compute_total\\n    \
            return sum(i[\\"price\\"] * i[\\"qty\\"] for i in items)\\n  File \\"/app/orders/pricing.py\\", line 17, in <genexpr>\\n    \
            return sum(i[\\"price\\"] * i[\\"qty\\"] for i in items)\\nKeyError: 'price'\\n\\nThe above exception was the direct cause \
            of the following exception:\\n\\nTraceback (most recent call last):\\n  File \\"/usr/local/lib/python3.12/site-packages/\
            starlette/routing.py\\", line 74, in app\\n    response = await f(request)\\n  File \\"/app/orders/api.py\\", line 91, in \
            create_order\\n    raise OrderError(f\\"invalid order {order_id}\\") from e\\norders.errors.OrderError: invalid order 1042", \
            "process": 4242, "threadName": "MainThread", "funcName": "create_order", "lineno": 91, "filename": "api.py", \
            "order_id": 1042, "service": "orders"}""";

    /** The same chained error from another deploy: other lines, /srv instead of /app, another order. */
    public static final String PYTHON_JSON_LOGGER_AGAIN = PYTHON_JSON_LOGGER.replace("line 17", "line 19")
            .replace("line 91", "line 95").replace("/app/orders", "/srv/shop/orders").replace("1042", "1043")
            .replace("09:26:53,589", "09:27:10,001");

    /** structlog's JSONRenderer with TimeStamper(fmt="iso", utc=True), add_log_level, add_logger_name, format_exc_info. */
    public static final String STRUCTLOG = """
            {"order_id": 1042, "event": "payment declined", "logger": "payments.worker", "level": "warning", \
            "timestamp": "2025-03-14T09:26:53.589123Z", "exception": "Traceback (most recent call last):\\n  File \
            \\"/app/payments/worker.py\\", line 31, in charge\\n    card.validate()\\n  File \\"/app/payments/card.py\\", line 12, \
            in validate\\n    raise ValueError(\\"card expired\\")\\nValueError: card expired"}""";

    /** pino with pino-http's req/res and an Error serialised by pino's std serializer. */
    public static final String PINO = """
            {"level":50,"time":1741944413589,"pid":1234,"hostname":"api-7f9c","name":"checkout","req":{"id":7,"method":"POST",\
            "url":"/orders/1042"},"res":{"statusCode":500},"responseTime":12,"err":{"type":"TypeError","message":"Cannot read \
            properties of undefined (reading 'id')","stack":"TypeError: Cannot read properties of undefined (reading 'id')\\n    at \
            OrderService.total (/app/src/services/order.js:42:17)\\n    at async Object.handler (/app/src/routes/orders.js:12:5)\\n    \
            at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"},"msg":"request errored"}""";

    /** The same error after a build that moved lines and bundled the code into a hashed file. */
    public static final String PINO_AGAIN = PINO.replace("order.js:42:17", "order.js:57:9").replace("orders.js:12:5", "orders.js:14:3")
            .replace("1741944413589", "1741944430001").replace("\"pid\":1234", "\"pid\":1301");

    /** winston's json() with timestamp() and errors({stack: true}), defaultMeta {service}. */
    public static final String WINSTON = """
            {"level":"error","message":"connect ECONNREFUSED 10.0.0.5:5432","service":"payments","stack":"Error: connect \
            ECONNREFUSED 10.0.0.5:5432\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\\n    at \
            PaymentRepo.save (/srv/app/dist/repo.3f2a1b9c.js:31:11)","timestamp":"2025-03-14T09:26:53.589Z"}""";

    /** zap's production JSON encoder (epoch seconds with a fraction), zap.Error and its stacktrace at error level. */
    public static final String ZAP = """
            {"level":"error","ts":1741944413.5891232,"caller":"orders/handler.go:42","msg":"request failed","order_id":1042,\
            "error":"sql: no rows in result set","stacktrace":"main.(*Handler).createOrder\\n\\t/app/orders/handler.go:42\\n\
            main.(*Handler).ServeHTTP.func1\\n\\t/app/orders/handler.go:88\\nnet/http.HandlerFunc.ServeHTTP\\n\\t\
            /usr/local/go/src/net/http/server.go:2136\\nnet/http.(*conn).serve\\n\\t/usr/local/go/src/net/http/server.go:2009"}""";

    /** The same error from a build with other line numbers. */
    public static final String ZAP_AGAIN = ZAP.replace("handler.go:42", "handler.go:47").replace("handler.go:88", "handler.go:93")
            .replace("1741944413.5891232", "1741944430.0012");

    /** logrus's JSONFormatter with ReportCaller, WithError and a field. */
    public static final String LOGRUS = """
            {"attempt":2,"error":"context deadline exceeded","file":"/app/payments/retry.go:57","func":"main.retry",\
            "level":"warning","msg":"retrying payment","time":"2025-03-14T10:26:53+01:00"}""";

    /** A Go panic as a service writes it to stderr, shipped as an ECS event's error.stack_trace. */
    public static final String GO_PANIC = """
            {"@timestamp":"2025-03-14T09:26:53.589Z","log.level":"fatal","message":"service crashed","error.stack_trace":"panic: \
            runtime error: invalid memory address or nil pointer dereference\\n[signal SIGSEGV: segmentation violation code=0x1 \
            addr=0x0 pc=0x4a2b3c]\\n\\ngoroutine 1 [running]:\\nmain.(*OrderService).Total(0x0, {0xc000012345, 0x2, 0x2})\\n\\t\
            /app/internal/orders/service.go:42 +0x1c\\nmain.main()\\n\\t/app/cmd/server/main.go:18 +0x85\\nexit status 2"}""";

    /** The same panic from another goroutine, other arguments and offsets. */
    public static final String GO_PANIC_AGAIN = GO_PANIC.replace("goroutine 1 [running]", "goroutine 37 [running]")
            .replace("0xc000012345", "0xc0000a1b20").replace("+0x1c", "+0x2a").replace("service.go:42", "service.go:44")
            .replace("09:26:53.589Z", "09:27:10.001Z");

    /** Serilog's CompactJsonFormatter (a message template, no rendered @m), with an exception and enrichers. */
    public static final String SERILOG = """
            {"@t":"2025-03-14T09:26:53.5891234Z","@mt":"Payment {PaymentId} for order {OrderId} failed","@l":"Error",\
            "@x":"System.InvalidOperationException: Sequence contains no elements\\r\\n   at \
            System.Linq.ThrowHelper.ThrowNoElementsException()\\r\\n   at Shop.Payments.PaymentService.<ChargeAsync>d__5.MoveNext() \
            in /src/Shop/Payments/PaymentService.cs:line 57\\r\\n--- End of stack trace from previous location ---\\r\\n   at \
            Shop.Payments.PaymentsController.<Post>b__4_0(Int32 id) in /src/Shop/Payments/PaymentsController.cs:line 28",\
            "@tr":"4bf92f3577b34da6a3ce929d0e0e4736","@sp":"00f067aa0ba902b7","PaymentId":"pay_8f3a","OrderId":1042,\
            "SourceContext":"Shop.Payments.PaymentService","MachineName":"pay-1","ThreadId":17,"ProcessId":812}""";

    /** The same exception after a rebuild: other lines, another state machine and lambda number. */
    public static final String SERILOG_AGAIN = SERILOG.replace("line 57", "line 61").replace("d__5", "d__7")
            .replace("b__4_0", "b__6_1").replace("line 28", "line 30").replace("09:26:53.5891234Z", "09:27:10.0012345Z");

    /** An Information event: Serilog leaves @l out. */
    public static final String SERILOG_INFORMATION = """
            {"@t":"2025-03-14T09:26:53.5891234Z","@mt":"Order {OrderId} placed by {User:l}","OrderId":1042,"User":"alice",\
            "SourceContext":"Shop.Orders"}""";
}
