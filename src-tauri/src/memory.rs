//! Gives the memory a day's read has freed back to the system.
//!
//! Reading a day builds, serialises and drops tens of thousands of small
//! strings. glibc's allocator keeps the freed pages resident for the process's
//! next allocations, so an idle app would go on holding the peak of its last
//! read (about 14 MiB for a day of 2,000 orders). Shortly after a read, the
//! free pages are returned.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Long enough for the response to be serialised, sent and dropped.
const AFTER: Duration = Duration::from_secs(2);

static PENDING: AtomicBool = AtomicBool::new(false);

/// Returns freed memory to the system in a moment: once, however many reads
/// come in the meantime.
pub fn trim_soon() {
    if PENDING.swap(true, Ordering::AcqRel) {
        return;
    }
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(AFTER).await;
        PENDING.store(false, Ordering::Release);
        let _ = tauri::async_runtime::spawn_blocking(trim).await;
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes no pointer and walks glibc's own heaps under
    // their locks; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators return freed memory on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
