//! What benchbot's children see of its environment. Services and command targets run code
//! from the repository (a scenario's `command`, a pull request's build): they get an allow-list
//! of the variables programs need, never the tokens benchbot holds (`GITHUB_TOKEN`,
//! `BENCHBOT_TOKEN`, the Actions runtime's). Build commands need the whole toolchain
//! environment: they get everything but secrets.

use std::ffi::OsString;

/// Variables every child keeps: how to find programs and libraries, who and where it is,
/// locale and time zone, and the usual toolchain homes.
const ALLOWED: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "PWD",
    "TERM",
    "TZ",
    "LANG",
    "LANGUAGE",
    "TMPDIR",
    "TMP",
    "TEMP",
    "LD_LIBRARY_PATH",
    "JAVA_HOME",
    "GOPATH",
    "GOROOT",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "NODE_PATH",
];

/// Whether a variable's name says it holds a secret.
#[must_use]
pub fn is_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    n == "GITHUB_TOKEN"
        || n == "BENCHBOT_TOKEN"
        || n.starts_with("ACTIONS_")
        || [
            "TOKEN",
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "CREDENTIAL",
            "PRIVATE_KEY",
            "API_KEY",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// The environment of a service or command target: the allow-list (and `LC_*`, and benchbot's
/// own settings `BENCHBOT_*`), plus the variables the scenario names in `pass`; never a
/// secret, whatever `pass` says.
#[must_use]
pub fn child_env(pass: &[String]) -> Vec<(OsString, OsString)> {
    std::env::vars_os()
        .filter(|(k, _)| {
            let Some(name) = k.to_str() else { return false };
            !is_secret(name)
                && (ALLOWED.contains(&name)
                    || name.starts_with("LC_")
                    || name.starts_with("BENCHBOT_")
                    || pass.iter().any(|p| p == name))
        })
        .collect()
}

/// The secrets present in this process's environment, for a build command to drop.
#[must_use]
pub fn secrets() -> Vec<OsString> {
    std::env::vars_os()
        .filter_map(|(k, _)| k.to_str().filter(|n| is_secret(n)).map(OsString::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised_by_name() {
        for s in [
            "GITHUB_TOKEN",
            "BENCHBOT_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "NPM_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "PGPASSWORD",
            "OPENAI_API_KEY",
        ] {
            assert!(is_secret(s), "{s}");
        }
        for s in [
            "PATH",
            "HOME",
            "LANG",
            "JAVA_HOME",
            "GITHUB_SHA",
            "RUNNER_NAME",
        ] {
            assert!(!is_secret(s), "{s}");
        }
    }
}
