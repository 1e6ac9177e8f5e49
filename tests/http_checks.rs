//! What k6 users expect of a scenario, against a real HTTP server on 127.0.0.1 (Python's
//! standard library): each virtual user logs in once (`first = true`) and captures its token,
//! later requests send it (`{{vu.token}}`), responses are checked (status, header, JSON
//! pointer equals / exists / matches) and a failed check is a counted, named error.

mod common;

use common::{write, Run};

/// Tokens are issued by `/login` and required by `/items/…` (401 without a known one).
const SERVER: &str = r#"import http.server, json, secrets, socket, sys, threading
TOKENS = set()
LOCK = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", secrets.token_hex(4))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        token = "t-" + secrets.token_hex(8)
        with LOCK:
            TOKENS.add(token)
        self.reply(200, {"token": token})
    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"ok": True})
        auth = self.headers.get("Authorization", "")
        with LOCK:
            known = auth.startswith("Bearer ") and auth[7:] in TOKENS
        if not known:
            return self.reply(401, {"error": "who are you"})
        self.reply(200, {"status": "ok", "id": int(self.path.rsplit("/", 1)[-1])})
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

const SCENARIO: &str = r#"[scenario]
name = "api-session"
kind = "internal"

[[target]]
name = "api"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:{{port}}"
[target.service]
command = ["python3", "{{scenario-dir}}/server.py", "{{port}}"]
ready = { http = "http://127.0.0.1:{{port}}/health" }

[[operation]]
name = "login"
first = true
[operation.http]
method = "POST"
path = "/login"
body = '{"user":"u{{int 1 1000}}"}'
capture = { token = "/token", request-id = "header:X-Request-Id" }

[[operation]]
name = "get-item"
weight = 3
[operation.http]
path = "/items/{{int 1 100}}"
headers = { Authorization = "Bearer {{vu.token}}" }
[[operation.http.check]]
json = "/status"
equals = "ok"
[[operation.http.check]]
json = "/id"
exists = true
[[operation.http.check]]
header = "content-type"
matches = "^application/json"

[[operation]]
name = "wrong-expectation"
[operation.http]
path = "/items/{{int 1 100}}"
headers = { Authorization = "Bearer {{vu.token}}" }
[[operation.http.check]]
json = "/status"
equals = "archived"

[load]
concurrency = 3
operations = 200
repetitions = 1

[thresholds]
metrics = ["p50", "error-rate"]
"#;

fn op<'a>(record: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    record["targets"][0]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

#[test]
fn virtual_users_log_in_once_capture_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "server.py", SERVER);
    let s = write(dir.path(), "session.toml", SCENARIO);

    // The dry run shows the requests as they would go out, with the captured value named.
    let (code, stdout, stderr) = Run::new(&s, &dir.path().join("dry"), dir.path())
        .args(["--dry-run", "--show-requests", "4"])
        .output();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("first, once per virtual user"), "{stdout}");
    assert!(stdout.contains("POST /login"), "{stdout}");
    assert!(
        stdout.contains("Authorization: Bearer {{vu.token}}"),
        "{stdout}"
    );
    assert!(
        stdout.contains("check: json /status equals \"ok\""),
        "{stdout}"
    );
    assert!(stdout.contains("#3 "), "four requests: {stdout}");
    assert!(
        stdout.contains("thresholds: regression beyond 5.00%"),
        "{stdout}"
    );

    let out = dir.path().join("out");
    let (_, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    let record = common::first_record(&out, "api-session");
    let rep = |o: &serde_json::Value| o["repetitions"][0].clone();
    // One login per virtual user, each successful.
    let login = rep(op(&record, "login"));
    assert_eq!(login["count"], 3, "{login} {stderr}");
    // Every item request carried a token the server knew (no 401) and passed its checks.
    let items = rep(op(&record, "get-item"));
    assert!(items["count"].as_u64().unwrap() > 100, "{items}");
    assert!(
        items["errors"].as_object().unwrap().is_empty(),
        "{items} {stderr}"
    );
    // The wrong expectation failed every time, as a `check` error naming the check.
    let wrong = rep(op(&record, "wrong-expectation"));
    assert_eq!(wrong["count"], 0, "{wrong}");
    assert!(wrong["errors"]["check"].as_u64().unwrap() > 10, "{wrong}");
    let sample = wrong["error_samples"]["check"].as_str().unwrap();
    assert!(
        sample.contains("json /status equals \"archived\"") && sample.contains("got \"ok\""),
        "{sample}"
    );
    // The report names the failed check.
    let report = std::fs::read_to_string(out.join("latest.md")).unwrap();
    assert!(report.contains("archived"), "{report}");
}

#[test]
fn a_variable_nothing_captures_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = SCENARIO.replace("{{vu.token}}", "{{vu.tokne}}");
    let s = write(dir.path(), "typo.toml", &text);
    let (code, _, stderr) = common::run(&["validate", s.to_str().unwrap()]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("no operation captures `tokne`") && stderr.contains("typo.toml:"),
        "{stderr}"
    );
    let text = SCENARIO.replace("first = true\n", "first = true\nweight = 2\n");
    let s = write(dir.path(), "weighted.toml", &text);
    let (code, _, stderr) = common::run(&["validate", s.to_str().unwrap()]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("no weight in the mix"), "{stderr}");
}
