//! The README's command, as a person runs it: `make run` with the contract's
//! variables brings up the platform; the admin signs in and creates an agent,
//! who is refused admin calls; Ctrl-C (SIGINT to the terminal's process
//! group) stops everything, the local database included, within 10 s.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vc_testkit::{Api, Child, alive, bin_path, child_pids, free_port, repo_root};

#[tokio::test]
async fn make_run_then_ctrl_c() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    // The build the tests use: `make run PROFILE=debug` finds it up to date.
    let target = bin_path("videoassist").parent().unwrap().parent().unwrap().to_path_buf();
    let mut cmd = Command::new("make");
    cmd.args(["-s", "run", "PROFILE=debug"])
        .current_dir(repo_root())
        .env("CARGO_TARGET_DIR", &target)
        .env("VC_HTTP_PORT", port.to_string())
        .env("VC_ADMIN_LOGIN", "admin")
        .env("VC_ADMIN_PASSWORD", "make-run-pass-1")
        .env("VC_DATA_DIR", data.path())
        .env_remove("VC_CONFIG")
        .env_remove("VC_MONGO_URI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Like a terminal: make and everything it starts share a process group.
        .process_group(0);
    let mut make = Child::spawn("make run", cmd);
    let output = Arc::new(Mutex::new(String::new()));
    let stdout = make.take_stdout().unwrap();
    let sink = output.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut o = sink.lock().unwrap();
            o.push_str(&line);
            o.push('\n');
        }
    });

    let api = Api::new(&format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    loop {
        if api.get("/healthz", None).await.is_ok_and(|r| r.status == 200) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "not healthy; output:\n{}",
            output.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let printed = output.lock().unwrap().clone();
    assert!(printed.contains(&format!("http://127.0.0.1:{port}/agent/")), "{printed}");
    assert!(printed.contains(&format!("http://127.0.0.1:{port}/admin/")), "{printed}");
    assert!(printed.contains("First admin created: login `admin`"), "{printed}");

    let (admin, _) = api.tokens("admin", "make-run-pass-1").await;
    api.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let (agent, _) = api.tokens("agent1", "agent-pass-1").await;
    let r = api.get("/api/users", Some(&agent)).await.unwrap();
    assert_eq!((r.status, r.code()), (403, "forbidden"));

    let platform = child_pids(make.id());
    assert_eq!(platform.len(), 1, "make runs the platform: {platform:?}");
    let database = child_pids(platform[0]);
    assert_eq!(database.len(), 1, "the platform runs the database: {database:?}");

    let stopping = Instant::now();
    #[allow(unsafe_code)]
    // SAFETY: kill(2) on the process group we created.
    unsafe {
        libc::kill(-(make.id() as libc::pid_t), libc::SIGINT);
    }
    make.wait_timeout(Duration::from_secs(10)).expect("make still running 10 s after Ctrl-C");
    for pid in platform.iter().chain(&database) {
        while alive(*pid) {
            assert!(stopping.elapsed() < Duration::from_secs(10), "process {pid} outlived Ctrl-C by 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
