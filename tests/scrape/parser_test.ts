import { deepEqual, equal } from "node:assert/strict";
import { parsePrometheusText, scanPrometheusText } from "../../lib/scrape/parser.ts";
import { NOT_A_NUMBER, parseNumberSpan } from "../../lib/scrape/parse_number.ts";
import { parseSeries, unescapeLabelValue } from "../../lib/scrape/parse_series.ts";

/** Renders rows as `metric{a="b"} value timestamp` lines for compact expectations. */
function render(text: string | Uint8Array): string[] {
  return parsePrometheusText(text).rows.map((r) => {
    const labels = r.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(",");
    return `${r.metric}{${labels}} ${r.value} ${r.timestamp}`;
  });
}

Deno.test("parseNumberSpan() accepts vmagent's number grammar", () => {
  const f = (s: string, want: number) => {
    const got = parseNumberSpan(s, 0, s.length);
    equal(got, want, `parseNumberSpan(${JSON.stringify(s)})`);
  };
  f("0", 0);
  f("-0", -0);
  f("123", 123);
  f("-123", -123);
  f("+5", 5);
  f("1.5", 1.5);
  f("1.", 1);
  f(".5", 0.5);
  f("-.5", -0.5);
  f("1e3", 1000);
  f("1E+3", 1000);
  f("2.5e-3", 0.0025);
  f("-3.3e-6", -3.3e-6);
  f("123456789012345678901234", 123456789012345678901234);
  f("0.1", 0.1);
  f("Inf", Infinity);
  f("+Inf", Infinity);
  f("-Inf", -Infinity);
  f("inf", Infinity);
  f("INF", Infinity);
  f("Infinity", Infinity);
  f("+Infinity", Infinity);
  f("-infinity", -Infinity);
  f("007", 7);
  f("1e400", Infinity);
});

Deno.test("parseNumberSpan() returns NaN for NaN words and NOT_A_NUMBER for malformed text", () => {
  for (const s of ["NaN", "nan", "NAN", "-nan"]) {
    const v = parseNumberSpan(s, 0, s.length);
    equal(typeof v, "number");
    equal(Number.isNaN(v), true, s);
  }
  const bad = (s: string) =>
    equal(parseNumberSpan(s, 0, s.length), NOT_A_NUMBER, JSON.stringify(s));
  for (
    const s of [
      "",
      "-",
      "+",
      ".",
      "-.",
      "e5",
      "1e",
      "1e+",
      "1.5x",
      "0x10",
      "0x1p-2",
      "1_000",
      " 1",
      "1 ",
      "bar",
      "nansf",
      "Infx",
      "--1",
      "1..2",
      "1e5.5",
    ]
  ) bad(s);
});

Deno.test("parseSeries() parses names, labels, escapes and quoted names", () => {
  const f = (raw: string, metric: string, labels: [string, string][]) => {
    const got = parseSeries(raw);
    deepEqual(got, { metric, labels: labels.map(([name, value]) => ({ name, value })) }, raw);
  };
  f("foo", "foo", []);
  f("foo{}", "foo", []);
  f('foo{bar="baz"}', "foo", [["bar", "baz"]]);
  f('foo {bar="baz",aa="",x="y",="z"}', "foo", [["bar", "baz"], ["aa", ""], ["x", "y"]]);
  f('foo{bar="baz",}', "foo", [["bar", "baz"]]);
  f(
    'vm_accounting\t{   name="vminsertRows", accountID = "1" , projectID=\t"1"   }',
    "vm_accounting",
    [
      ["name", "vminsertRows"],
      ["accountID", "1"],
      ["projectID", "1"],
    ],
  );
  f('foo{bar="b\\"a\\\\z"}', "foo", [["bar", 'b"a\\z']]);
  f('foo{bar="line\\nbreak"}', "foo", [["bar", "line\nbreak"]]);
  // An unknown escape is kept as written (real exporters send `domain\user`).
  f('m{loginname="domain\\somelogin",env="develop"}', "m", [["loginname", "domain\\somelogin"], [
    "env",
    "develop",
  ]]);
  f('foo{bar="#1 az"}', "foo", [["bar", "#1 az"]]);
  f('foo#qw{bar#2="#1 az"}', "foo#qw", [["bar#2", "#1 az"]]);
  f('foo{"bar"="baz"}', "foo", [["bar", "baz"]]);
  f('{"foo", "bar"="baz"}', "foo", [["bar", "baz"]]);
  f('{bar="baz", "foo"}', "foo", [["bar", "baz"]]);
  f('{"foo"}', "foo", []);
  f('{"温度{房间"}', "温度{房间", []);
  f('{"foo", "温度{房间=\\"水电费"="baz"}', "foo", [['温度{房间="水电费', "baz"]]);
});

Deno.test("parseSeries() rejects malformed label sets with a reason", () => {
  const f = (raw: string) => equal(typeof parseSeries(raw), "string", raw);
  f("a{");
  f("a {foo");
  f("a {foo}");
  f("a {foo  =");
  f('a {foo  ="bar');
  f('a {foo  = "bar"');
  f('a {foo  ="bar",');
  f('a {foo  ="bar" , baz }');
  f('a{host:"myhost"}');
  f('metric{"foo":"bar"}');
  f('{foo="bar"}');
  f('{"a"="ok"}');
  f('{"foo", "foo2", bar="baz"}');
  f('foobar{"foo", bar="baz"}');
  f("{foo='bar'}");
  f('a{b="c" d="e"}');
});

Deno.test("unescapeLabelValue() handles the three escapes and keeps the rest", () => {
  const f = (s: string, want: string) => equal(unescapeLabelValue(s), want);
  f("", "");
  f("foobar", "foobar");
  f('\\"\\n\\t', '"\n\\t');
  f("foo\\bar", "foo\\bar");
  f("foo\\", "foo\\");
  f("a\\\\b", "a\\b");
});

Deno.test("parsePrometheusText() parses lines, comments and timestamps", () => {
  const f = (text: string, want: string[]) => deepEqual(render(text), want, JSON.stringify(text));
  // Empty input, blank lines, comments, CRLF.
  f("", []);
  f("\r", []);
  f("\n\n", []);
  f("\n\r\n", []);
  f("\t  \t\n\r\n#foobar\n  # baz", []);
  f("foobar 78.9", ["foobar{} 78.9 0"]);
  f("foobar 123.456 789\n", ["foobar{} 123.456 789000"]);
  f("foobar{} 123.456 789.4354\n", ["foobar{} 123.456 789435"]);
  f("foo 1\r\nbar 2\r\n", ["foo{} 1 0", "bar{} 2 0"]);
  f("  foo 1  \n\tbar\t2\t\n", ["foo{} 1 0", "bar{} 2 0"]);
  // Timestamps: at or above 2^31 they are milliseconds; below, OpenMetrics seconds.
  f("aaa 1123 429496729600", ["aaa{} 1123 429496729600"]);
  f("aaa 1123 42949.567", ["aaa{} 1123 42949567"]);
  f("aaa 1 1700000000000", ["aaa{} 1 1700000000000"]);
  f("aaa 1 -5", ["aaa{} 1 -5000"]);
  f('foo{bar="baz"} 1 2', ['foo{bar="baz"} 1 2000']);
  // Special values.
  f("a NaN\nb +Inf\nc -Inf\nd Inf\ne 1e-3", [
    "a{} NaN 0",
    "b{} Infinity 0",
    "c{} -Infinity 0",
    "d{} Infinity 0",
    "e{} 0.001 0",
  ]);
  f("\n\t\tfoo Infinity\n\t\tbar +Infinity\n\t\tbaz -infinity\n", [
    "foo{} Infinity 0",
    "bar{} Infinity 0",
    "baz{} -Infinity 0",
  ]);
  // Trailing comments and OpenMetrics exemplars are ignored.
  f(
    'foo_bucket{le="10",a="#b"} 17 # {trace_id="oHg5SJ#YRHA0"} 9.8 1520879607.789\n   abc 123 456 # foobar\n   foo   344#bar',
    [
      'foo_bucket{le="10",a="#b"} 17 0',
      "abc{} 123 456000",
      "foo{} 344 0",
    ],
  );
  f('foo_total 17 # {trace_id="abc"} 1.0 1520879607.789', ["foo_total{} 17 0"]);
  // Duplicate series are all kept.
  f("foo 1\nfoo 2", ["foo{} 1 0", "foo{} 2 0"]);
  // Multi lines with an invalid one in the middle.
  f("\t foo\t {  } 0.3\t 2\naaa\n  bar.baz 0.34 43\n", ["foo{} 0.3 2000", "bar.baz{} 0.34 43000"]);
});

Deno.test("parsePrometheusText() reads OpenMetrics text", () => {
  const text = [
    "# TYPE acme_http_router_request_seconds summary",
    "# UNIT acme_http_router_request_seconds seconds",
    "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
    'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
    'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
    'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
    "# TYPE go_goroutines gauge",
    "go_goroutines 69 1605281325.5",
    "# TYPE foo counter",
    'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
    "# EOF",
    "",
  ].join("\n");
  const { rows, errors, metadata } = parsePrometheusText(text);
  deepEqual(errors, []);
  deepEqual(rows.map((r) => [r.metric, r.value, r.timestamp]), [
    ["acme_http_router_request_seconds_sum", 9036.32, 0],
    ["acme_http_router_request_seconds_count", 807283, 0],
    ["acme_http_router_request_seconds_created", 1605281325, 0],
    ["go_goroutines", 69, 1605281325500],
    ["foo_total", 17, 1520879607789],
  ]);
  deepEqual(metadata.map((m) => [m.kind, m.metric, m.text]), [
    ["TYPE", "acme_http_router_request_seconds", "summary"],
    ["UNIT", "acme_http_router_request_seconds", "seconds"],
    [
      "HELP",
      "acme_http_router_request_seconds",
      "Latency though all of ACME's HTTP request router.",
    ],
    ["TYPE", "go_goroutines", "gauge"],
    ["TYPE", "foo", "counter"],
  ]);
});

Deno.test("parsePrometheusText() reports each malformed line with its number and keeps the rest", () => {
  const text = [
    "good 1", // 1
    "aaa", // 2
    "foo bar", // 3
    "foo 123 bar", // 4
    'a{foo="bar} 1', // 5
    "a{foo} 3", // 6
    "{foo='bar'} 23", // 7
    "b 2", // 8
    ' aa{foo="bar"}   ', // 9
    "c 1 2 3", // 10
    "d 0x10", // 11
    "e 3",
  ].join("\n");
  const { rows, errors } = parsePrometheusText(text);
  deepEqual(rows.map((r) => r.metric), ["good", "b", "e"]);
  deepEqual(errors, [
    { line: 2, message: 'cannot unmarshal Prometheus line "aaa": missing value' },
    { line: 3, message: 'cannot unmarshal Prometheus line "foo bar": cannot parse value "bar"' },
    {
      line: 4,
      message: 'cannot unmarshal Prometheus line "foo 123 bar": cannot parse timestamp "bar"',
    },
    {
      line: 5,
      message:
        'cannot unmarshal Prometheus line "a{foo=\\"bar} 1": cannot unmarshal tags: missing closing double quote in string: "\\"bar} 1"',
    },
    {
      line: 6,
      message:
        'cannot unmarshal Prometheus line "a{foo} 3": cannot unmarshal tags: missing value for tag "foo}"',
    },
    {
      line: 7,
      message:
        "cannot unmarshal Prometheus line \"{foo='bar'} 23\": cannot unmarshal tags: missing value for tag \"foo='bar'}\"",
    },
    {
      line: 9,
      message: 'cannot unmarshal Prometheus line "aa{foo=\\"bar\\"}   ": value cannot be empty',
    },
    {
      line: 10,
      message: 'cannot unmarshal Prometheus line "c 1 2 3": cannot parse timestamp "2 3"',
    },
    { line: 11, message: 'cannot unmarshal Prometheus line "d 0x10": cannot parse value "0x10"' },
  ]);
});

Deno.test("parsePrometheusText() accepts bytes", () => {
  deepEqual(render(new TextEncoder().encode('ü{l="ä"} 1\n')), ['ü{l="ä"} 1 0']);
});

Deno.test("scanPrometheusText() gives the raw series text and numbers lines from firstLine", () => {
  const seen: string[] = [];
  const errs: number[] = [];
  const n = scanPrometheusText('a{x="1"} 1\n  b  2\nbad\nc{y="2",} 3 4\n', {
    row(t, s, e, v, ts) {
      seen.push(`${t.substring(s, e)}|${v}|${ts}`);
      return undefined;
    },
    error(_m, line) {
      errs.push(line);
    },
  }, { firstLine: 10 });
  deepEqual(seen, ['a{x="1"}|1|0', "b|2|0", 'c{y="2",}|3|4000']);
  deepEqual(errs, [12]);
  equal(n, 4);
});

Deno.test("scanPrometheusText() reports a reason returned by the visitor as a malformed line", () => {
  const errs: string[] = [];
  scanPrometheusText("foo{bar} 1\n", {
    row: () => "nope",
    error: (m) => errs.push(m),
  });
  deepEqual(errs, ['cannot unmarshal Prometheus line "foo{bar} 1": nope']);
});
