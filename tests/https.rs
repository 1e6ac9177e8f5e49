//! HTTPS targets against a real TLS server on 127.0.0.1 (Python's standard library with a
//! certificate `openssl` makes for the test): trusted through `ca-file`, refused as unknown
//! without it, accepted with `insecure = true`; a plain-HTTP server behind an `https://` URL
//! is a connection error, never a success. The services are ready when they answer over HTTPS.

mod common;

use std::path::Path;
use std::process::Command;

use common::{write, Run};

const SERVER: &str = r#"import http.server, socket, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def do_GET(self):
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
if sys.argv[2] != "plain":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
"#;

/// A test certificate authority (`ca.pem`) and a certificate it signed for `localhost` and
/// 127.0.0.1 (`cert.pem`, key `key.pem`).
fn certificate(dir: &Path) {
    let script = "set -e
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=benchbot-test-ca -keyout ca.key -out ca.pem
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout key.pem -out leaf.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile leaf.ext -out cert.pem
";
    let st = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl (scripts/test installs it)");
    assert!(st.success(), "openssl made the certificates");
}

/// A scenario against the server (`tls`: the TLS lines of `[target.http]`; `mode`: the
/// server's certificate arguments, or `plain`).
fn scenario(dir: &Path, name: &str, tls: &str, mode: &str) -> std::path::PathBuf {
    // Ready when it answers over HTTPS (a plain server never would: its port is enough).
    let ready = if mode.contains("plain") {
        r#"tcp = "127.0.0.1:{{port}}""#
    } else {
        r#"http = "https://localhost:{{port}}/health""#
    };
    write(
        dir,
        &format!("{name}.toml"),
        &format!(
            r#"[scenario]
name = "{name}"
kind = "internal"

[[target]]
name = "api"
role = "ours"
[target.http]
base-url = "https://localhost:{{{{port}}}}"
{tls}
[target.service]
command = ["python3", "{{{{scenario-dir}}}}/server.py", "{{{{port}}}}", {mode}]
ready = {{ {ready} }}

[[operation]]
name = "get"
[operation.http]
path = "/item"
[[operation.http.check]]
json = "/ok"
equals = true

[load]
concurrency = 2
operations = 60
repetitions = 1
"#
        ),
    )
}

fn get(record: &serde_json::Value) -> serde_json::Value {
    record["targets"][0]["operations"][0]["repetitions"][0].clone()
}

#[test]
fn https_targets_trust_what_they_are_told() {
    let dir = tempfile::tempdir().unwrap();
    certificate(dir.path());
    write(dir.path(), "server.py", SERVER);
    let certs = r#""{{scenario-dir}}/cert.pem", "{{scenario-dir}}/key.pem""#;

    // Trusted through the scenario's CA file: every request succeeds, checks included.
    let s = scenario(dir.path(), "trusted", r#"ca-file = "ca.pem""#, certs);
    let out = dir.path().join("out-trusted");
    let (_, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    let rep = get(&common::first_record(&out, "trusted"));
    assert_eq!(rep["count"], 60, "{rep} {stderr}");
    assert!(rep["errors"].as_object().unwrap().is_empty(), "{rep}");

    // Without it, the test authority is unknown: the target fails, saying why.
    let s = scenario(dir.path(), "untrusted", "", certs);
    let out = dir.path().join("out-untrusted");
    let (code, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    assert_eq!(code, 3, "an untrusted server is not a success: {stderr}");
    assert!(
        stderr.contains("connect: TLS with 127.0.0.1") && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );

    // Told to accept any certificate: encrypted, not authenticated, and it works.
    let s = scenario(dir.path(), "insecure", "insecure = true", certs);
    let out = dir.path().join("out-insecure");
    let (_, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    let rep = get(&common::first_record(&out, "insecure"));
    assert_eq!(rep["count"], 60, "{rep} {stderr}");

    // A plain-HTTP server behind an https:// URL: the handshake fails, loudly.
    let s = scenario(dir.path(), "plain", "insecure = true", r#""plain""#);
    let out = dir.path().join("out-plain");
    let (code, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("connect: TLS with 127.0.0.1"), "{stderr}");
}

#[test]
fn tls_settings_are_checked_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let bad = [
        (
            "http-with-ca",
            r#"ca-file = "cert.pem""#,
            "http",
            "only an https:// base-url",
        ),
        (
            "both",
            "ca-file = \"cert.pem\"\ninsecure = true",
            "https",
            "would mean nothing",
        ),
    ];
    for (name, tls, scheme, says) in bad {
        let text = format!(
            "[scenario]\nname = \"{name}\"\nkind = \"internal\"\n[[target]]\nname = \"api\"\nrole = \"ours\"\n[target.http]\nbase-url = \"{scheme}://127.0.0.1:1\"\n{tls}\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/\"\n[load]\nconcurrency = 1\noperations = 1\n"
        );
        let s = write(dir.path(), &format!("{name}.toml"), &text);
        let (code, _, stderr) = common::run(&["validate", s.to_str().unwrap()]);
        assert_eq!(code, 3, "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
    // A CA file that is not there is named when the target starts.
    let text = "[scenario]\nname = \"missing-ca\"\nkind = \"internal\"\n[[target]]\nname = \"api\"\nrole = \"ours\"\n[target.http]\nbase-url = \"https://127.0.0.1:1\"\nca-file = \"nope.pem\"\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/\"\n[load]\nconcurrency = 1\noperations = 1\n";
    let s = write(dir.path(), "missing-ca.toml", text);
    let (code, _, stderr) = Run::new(&s, &dir.path().join("o"), dir.path()).output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("nope.pem"), "{stderr}");
}
