//! What the kernel says a server process costs (`/proc/<pid>/stat` CPU
//! time, `/proc/<pid>/status` resident memory), pinning it to a core
//! (`taskset`), and child processes that die with the load tool.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// CPU time a process used in user and kernel mode, in clock ticks
/// (`utime + stime`, fields 14 and 15 of `/proc/<pid>/stat`).
pub fn cpu_ticks(pid: u32) -> io::Result<u64> {
    parse_cpu_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("/proc/{pid}/stat")))
}

/// `utime + stime` from the text of `/proc/<pid>/stat`. The command name
/// (field 2) is in parentheses and may hold spaces and parentheses, so the
/// fields are counted from the last `)`.
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After the name: state (3), ppid (4), ..., utime is field 14, stime 15.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`).
pub fn ticks_per_second() -> u64 {
    // SAFETY: sysconf(3) only reads a system constant.
    #[allow(unsafe_code)]
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(t).ok().filter(|t| *t > 0).unwrap_or(100)
}

/// CPU seconds a process used so far.
pub fn cpu_seconds(pid: u32) -> io::Result<f64> {
    Ok(cpu_ticks(pid)? as f64 / ticks_per_second() as f64)
}

/// Resident memory (`VmRSS`) of a process in KiB.
pub fn rss_kib(pid: u32) -> io::Result<u64> {
    parse_rss_kib(&std::fs::read_to_string(format!("/proc/{pid}/status"))?)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("/proc/{pid}/status")))
}

/// `VmRSS` from the text of `/proc/<pid>/status`, in KiB.
pub fn parse_rss_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Pins every thread of `pid` to the CPUs in `cpus` (`taskset -a -pc`;
/// threads it starts later inherit it).
pub fn pin(pid: u32, cpus: &str) -> io::Result<()> {
    let out = Command::new("taskset").args(["-a", "-pc", cpus, &pid.to_string()]).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("taskset: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Has the child killed (SIGKILL) when this process dies, however it dies,
/// so a server started for a benchmark never outlives it.
pub fn die_with_parent(cmd: &mut Command) -> &mut Command {
    // SAFETY: prctl(2) only changes the child's own attributes between fork
    // and exec and is async-signal-safe.
    #[allow(unsafe_code)]
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    #[test]
    fn cpu_ticks_counted_after_the_name() {
        let stat = "4242 (tokio) (x y)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 37 0 0 20 0 9 0 100 1000000 2000 18446744073709551615";
        assert_eq!(parse_cpu_ticks(stat), Some(187));
        assert_eq!(parse_cpu_ticks("garbage"), None);
        assert_eq!(parse_cpu_ticks("1 (x) S 1"), None);
    }

    #[test]
    fn rss_from_status() {
        let status = "Name:\tjanus\nVmPeak:\t  100 kB\nVmRSS:\t   20480 kB\nThreads:\t9\n";
        assert_eq!(parse_rss_kib(status), Some(20480));
        assert_eq!(parse_rss_kib("Name: x\n"), None);
    }

    #[test]
    fn this_process_is_measured() {
        let me = std::process::id();
        let before = cpu_ticks(me).unwrap();
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed().as_millis() < 60 {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(cpu_ticks(me).unwrap() > before, "60 ms of spinning shows");
        assert!(rss_kib(me).unwrap() > 100);
        assert!((10..=10_000).contains(&ticks_per_second()));
    }
}
