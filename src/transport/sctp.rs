//! Kernel SCTP availability. Carriers run M3UA over SCTP (RFC 4666 §1.3.1, PPID 3); where
//! the kernel has no SCTP (`socket(..., IPPROTO_SCTP)` fails with EPROTONOSUPPORT, as on our
//! build machines) scpd must say so plainly instead of failing later with an obscure error.

/// Why kernel SCTP cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SctpUnavailable {
    #[error(
        "kernel SCTP is not available (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP): {0}); \
         load the sctp kernel module (modprobe sctp) or use tcp:// URLs"
    )]
    NoKernelSupport(String),
}

/// Probe for kernel SCTP by opening (and closing) a one-to-one SCTP socket.
pub fn probe() -> Result<(), SctpUnavailable> {
    // SAFETY: plain socket(2)/close(2) calls with constant arguments; the descriptor is
    // closed before returning.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_SCTP) };
    if fd < 0 {
        return Err(SctpUnavailable::NoKernelSupport(
            std::io::Error::last_os_error().to_string(),
        ));
    }
    unsafe { libc::close(fd) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reports_clearly() {
        match probe() {
            Ok(()) => eprintln!("kernel SCTP available on this machine"),
            Err(e) => {
                eprintln!("kernel SCTP unavailable here, as reported: {e}");
                let text = e.to_string();
                assert!(
                    text.contains("IPPROTO_SCTP") && text.contains("tcp://"),
                    "{text}"
                );
            }
        }
    }
}
