//! Kernel SCTP for M3UA (RFC 4666 §1.3.1): one-to-one style sockets (RFC 6458 §4), payload
//! protocol identifier 3, management on stream 0 and DATA on streams chosen by SLS so one
//! signalling relation stays in sequence (RFC 4666 §1.4.7), records reassembled until
//! MSG_EOR, and several local/remote addresses for multi-homing (sctp_bindx/sctp_connectx).
//!
//! The byte layouts (cmsg, packed addresses) and record reassembly are pure functions, tested
//! everywhere; socket calls need a kernel with SCTP. Where it is absent (`socket(...,
//! IPPROTO_SCTP)` fails with EPROTONOSUPPORT, as on our build machines) scpd says so plainly.

mod layout;

pub use layout::{
    pack_addrs, stream_for, RecordAssembler, RecordTooLarge, SndRcvInfo, SNDRCVINFO_LEN,
};

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use tokio::io::unix::AsyncFd;

/// M3UA's payload protocol identifier (RFC 4666 §1.3.1).
pub const PPID_M3UA: u32 = 3;

// Linux <linux/sctp.h> / RFC 6458 constants not exported by the libc crate.
const SOL_SCTP: libc::c_int = 132;
const SCTP_INITMSG: libc::c_int = 2;
const SCTP_NODELAY: libc::c_int = 3;
const SCTP_EVENTS: libc::c_int = 11;
const SCTP_STATUS: libc::c_int = 14;
const SCTP_SOCKOPT_BINDX_ADD: libc::c_int = 100;
const SCTP_SOCKOPT_CONNECTX: libc::c_int = 110;
const SCTP_SNDRCV: libc::c_int = 1;
const MSG_NOTIFICATION: libc::c_int = 0x8000;

/// Streams we ask for in each direction; DATA uses 1..n by SLS.
pub const STREAMS: u16 = 17;

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
    socket(libc::AF_INET)
        .map(drop)
        .map_err(|e| SctpUnavailable::NoKernelSupport(e.to_string()))
}

/// Wait until a read would not block: data, the peer's SHUTDOWN, or an error. After an
/// ABORT a one-to-one socket polls EPOLLERR alone (Linux `sctp_poll` returns early once the
/// association is closed), which tokio files under ERROR, not READABLE: waiting for
/// READABLE only would never see the association go.
async fn readable(
    fd: &AsyncFd<OwnedFd>,
) -> io::Result<tokio::io::unix::AsyncFdReadyGuard<'_, OwnedFd>> {
    fd.ready(tokio::io::Interest::READABLE | tokio::io::Interest::ERROR)
        .await
}

/// Register with the reactor.
fn register(fd: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: an OwnedFd owns an open descriptor for its whole life and always returns that
    // same descriptor from as_raw_fd, which is what AsyncFd::register requires.
    unsafe { AsyncFd::register(fd) }.map_err(|e| e.into_parts().1)
}

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn socket(family: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: socket(2) with constant arguments; the result is owned immediately.
    let fd = cvt(unsafe {
        libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            libc::IPPROTO_SCTP,
        )
    })?;
    // SAFETY: fd is a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn setsockopt_bytes(fd: RawFd, opt: libc::c_int, val: &[u8]) -> io::Result<()> {
    // SAFETY: val is a valid buffer of the given length for the duration of the call.
    cvt(unsafe {
        libc::setsockopt(
            fd,
            SOL_SCTP,
            opt,
            val.as_ptr().cast(),
            val.len() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// Options every scpd SCTP socket gets: stream counts, no Nagle delay, and sndrcvinfo on
/// every received message.
fn configure(fd: RawFd) -> io::Result<()> {
    let mut init = [0u8; 8];
    init[0..2].copy_from_slice(&STREAMS.to_ne_bytes());
    init[2..4].copy_from_slice(&STREAMS.to_ne_bytes());
    setsockopt_bytes(fd, SCTP_INITMSG, &init)?;
    setsockopt_bytes(fd, SCTP_NODELAY, &1i32.to_ne_bytes())?;
    // struct sctp_event_subscribe: only sctp_data_io_event (its first octet).
    setsockopt_bytes(fd, SCTP_EVENTS, &[1])?;
    Ok(())
}

fn family_of(addrs: &[SocketAddr]) -> libc::c_int {
    if addrs.iter().any(SocketAddr::is_ipv6) {
        libc::AF_INET6
    } else {
        libc::AF_INET
    }
}

/// Bind all of `local` (the first with bind(2), the rest with BINDX_ADD).
fn bind_all(fd: RawFd, local: &[SocketAddr]) -> io::Result<()> {
    let Some((first, rest)) = local.split_first() else {
        return Ok(());
    };
    let packed = pack_addrs(std::slice::from_ref(first));
    // SAFETY: packed holds one sockaddr of the right length.
    cvt(unsafe { libc::bind(fd, packed.as_ptr().cast(), packed.len() as libc::socklen_t) })?;
    if !rest.is_empty() {
        setsockopt_bytes(fd, SCTP_SOCKOPT_BINDX_ADD, &pack_addrs(rest))?;
    }
    Ok(())
}

/// An accepting one-to-one SCTP socket.
pub struct SctpListener {
    fd: AsyncFd<OwnedFd>,
}

impl SctpListener {
    /// Listen on every address of `local` (one port; multi-homed when several).
    pub fn bind(local: &[SocketAddr]) -> io::Result<SctpListener> {
        let fd = socket(family_of(local))?;
        let one = 1i32.to_ne_bytes();
        // SAFETY: SO_REUSEADDR with an int value.
        cvt(unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_REUSEADDR,
                one.as_ptr().cast(),
                4,
            )
        })?;
        configure(fd.as_raw_fd())?;
        bind_all(fd.as_raw_fd(), local)?;
        // SAFETY: listen(2) on our socket.
        cvt(unsafe { libc::listen(fd.as_raw_fd(), 128) })?;
        Ok(SctpListener { fd: register(fd)? })
    }

    pub async fn accept(&self) -> io::Result<SctpStream> {
        loop {
            let mut guard = self.fd.readable().await?;
            // SAFETY: accept4(2) without an address buffer; the result is owned at once.
            match guard.try_io(|fd| {
                cvt(unsafe {
                    libc::accept4(
                        fd.as_raw_fd(),
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                        libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                    )
                })
            }) {
                Ok(Ok(c)) => {
                    // SAFETY: c is a fresh descriptor we own.
                    let fd = unsafe { OwnedFd::from_raw_fd(c) };
                    return SctpStream::new(fd);
                }
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => continue,
            }
        }
    }
}

/// One SCTP association carrying whole M3UA messages: the receiving side, from which
/// [`SctpStream::sender`] gives a sending side to use at the same time.
pub struct SctpStream {
    fd: Arc<AsyncFd<OwnedFd>>,
    asm: RecordAssembler,
    piece: Vec<u8>,
    ostreams: u16,
    istreams: u16,
    /// The record [`SctpStream::ready`] received, until [`SctpStream::take`]n.
    held: Option<SndRcvInfo>,
}

/// The sending side of an [`SctpStream`].
pub struct SctpSender {
    fd: Arc<AsyncFd<OwnedFd>>,
    ostreams: u16,
}

impl SctpStream {
    fn new(fd: OwnedFd) -> io::Result<SctpStream> {
        let (istreams, ostreams) = stream_counts(fd.as_raw_fd()).unwrap_or((1, 1));
        Ok(SctpStream {
            fd: Arc::new(register(fd)?),
            asm: RecordAssembler::new(crate::m3ua::codec::MAX_MESSAGE),
            piece: vec![0; 64 * 1024],
            ostreams,
            istreams,
            held: None,
        })
    }

    /// Connect to `remote` (several addresses: multi-homed peer) from `local` (may be empty).
    pub async fn connect(remote: &[SocketAddr], local: &[SocketAddr]) -> io::Result<SctpStream> {
        let fd = socket(family_of(remote))?;
        configure(fd.as_raw_fd())?;
        bind_all(fd.as_raw_fd(), local)?;
        let packed = pack_addrs(remote);
        match setsockopt_bytes(fd.as_raw_fd(), SCTP_SOCKOPT_CONNECTX, &packed) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let afd = register(fd)?;
        let _ = afd.writable().await?;
        // SO_ERROR tells whether the handshake succeeded.
        let mut err: libc::c_int = 0;
        let mut len = 4 as libc::socklen_t;
        // SAFETY: SO_ERROR into an int.
        cvt(unsafe {
            libc::getsockopt(
                afd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut len,
            )
        })?;
        if err != 0 {
            return Err(io::Error::from_raw_os_error(err));
        }
        let fd = afd.into_inner();
        SctpStream::new(fd)
    }

    /// Outbound streams negotiated for this association.
    pub fn out_streams(&self) -> u16 {
        self.ostreams
    }

    /// Inbound streams negotiated for this association (the peer's outbound count).
    pub fn in_streams(&self) -> u16 {
        self.istreams
    }

    /// A sending side for this association.
    pub fn sender(&self) -> SctpSender {
        SctpSender {
            fd: self.fd.clone(),
            ostreams: self.ostreams,
        }
    }

    /// The next whole record with its stream and PPID; `Ok(None)` at association end.
    pub async fn recv(&mut self) -> io::Result<Option<(SndRcvInfo, &[u8])>> {
        if !self.ready().await? {
            return Ok(None);
        }
        Ok(self.take())
    }

    /// The record [`SctpStream::ready`] received, once.
    pub fn take(&mut self) -> Option<(SndRcvInfo, &[u8])> {
        let info = self.held.take()?;
        Some((info, self.asm_record()))
    }

    /// Wait for the next whole record (`true`; [`SctpStream::take`] hands it over), or the
    /// association's end (`false`).
    pub async fn ready(&mut self) -> io::Result<bool> {
        if self.held.is_some() {
            return Ok(true);
        }
        self.asm.reset();
        loop {
            let mut guard = readable(&self.fd).await?;
            let piece = &mut self.piece;
            let r = guard.try_io(|fd| recv_piece(fd.as_raw_fd(), piece));
            let (n, flags, info) = match r {
                Ok(Ok(v)) => v,
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => continue,
            };
            if n == 0 && flags & libc::MSG_EOR == 0 {
                return Ok(false);
            }
            if flags & MSG_NOTIFICATION != 0 {
                continue;
            }
            let eor = flags & libc::MSG_EOR != 0;
            let done = self
                .asm
                .push(&self.piece[..n], eor)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
                .is_some();
            if done {
                self.held = Some(info.unwrap_or_default());
                return Ok(true);
            }
        }
    }

    fn asm_record(&self) -> &[u8] {
        &self.asm.buf
    }

    /// Send one M3UA message on `stream` with PPID 3.
    pub async fn send(&self, msg: &[u8], stream: u16) -> io::Result<()> {
        send_on(&self.fd, msg, stream).await
    }
}

impl SctpSender {
    /// Outbound streams negotiated for this association.
    pub fn out_streams(&self) -> u16 {
        self.ostreams
    }

    /// Send one M3UA message on `stream` with PPID 3.
    pub async fn send(&self, msg: &[u8], stream: u16) -> io::Result<()> {
        send_on(&self.fd, msg, stream).await
    }
}

/// One `recvmsg` worth of an association, from [`RawSctp::recv`].
#[derive(Debug, Clone, Copy)]
pub struct Piece {
    /// Octets read into the buffer.
    pub len: usize,
    /// The record (M3UA message) ends with this piece (MSG_EOR).
    pub eor: bool,
    /// The association's end (nothing read, no MSG_EOR).
    pub end: bool,
    /// An SCTP notification, not data (none are subscribed to; skip it).
    pub notification: bool,
    /// Stream and PPID of the record (on every piece).
    pub info: Option<SndRcvInfo>,
}

/// Non-blocking calls on an association's socket, for a caller that handles whole batches
/// itself (the load generator): [`SctpStream::read_with`] and [`SctpSender::write_with`]
/// lend it once the socket is ready. `WouldBlock` means "nothing more now".
pub struct RawSctp(RawFd);

impl RawSctp {
    /// Read what is there into `buf`: a whole record (`eor`) or the next part of one.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Piece> {
        let (len, flags, info) = recv_piece(self.0, buf)?;
        Ok(Piece {
            len,
            eor: flags & libc::MSG_EOR != 0,
            end: len == 0 && flags & libc::MSG_EOR == 0,
            notification: flags & MSG_NOTIFICATION != 0,
            info,
        })
    }

    /// Send one M3UA message on `stream` with PPID 3.
    pub fn send(&self, msg: &[u8], stream: u16) -> io::Result<()> {
        let info = SndRcvInfo {
            stream,
            ppid: PPID_M3UA,
            ..SndRcvInfo::default()
        };
        send_msg(self.0, msg, &info)
    }
}

/// Wait until `fd` is ready (`readable` or not) and run `f` on it, again after each
/// `WouldBlock` (which also clears the readiness tokio saw).
async fn with_ready<R>(
    fd: &AsyncFd<OwnedFd>,
    readable: bool,
    mut f: impl FnMut(&RawSctp) -> io::Result<R>,
) -> io::Result<R> {
    loop {
        let mut guard = if readable {
            self::readable(fd).await?
        } else {
            fd.writable().await?
        };
        match guard.try_io(|fd| f(&RawSctp(fd.as_raw_fd()))) {
            Ok(r) => return r,
            Err(_would_block) => continue,
        }
    }
}

impl SctpStream {
    /// Wait until the association has something to read and run `f`, which reads with
    /// [`RawSctp::recv`] until it has enough or gets `WouldBlock` (return that only when
    /// nothing was read). Cancel-safe: `f` runs to completion or not at all. Not to be mixed
    /// with [`SctpStream::ready`] (which keeps a record of its own).
    pub async fn read_with<R>(&self, f: impl FnMut(&RawSctp) -> io::Result<R>) -> io::Result<R> {
        with_ready(&self.fd, true, f).await
    }
}

impl SctpSender {
    /// Wait until the association can take more and run `f`, which sends with
    /// [`RawSctp::send`] until done or `WouldBlock` (return that only when nothing was sent).
    pub async fn write_with<R>(&self, f: impl FnMut(&RawSctp) -> io::Result<R>) -> io::Result<R> {
        with_ready(&self.fd, false, f).await
    }
}

/// Send one M3UA message on `stream` with PPID 3.
async fn send_on(fd: &AsyncFd<OwnedFd>, msg: &[u8], stream: u16) -> io::Result<()> {
    let info = SndRcvInfo {
        stream,
        ppid: PPID_M3UA,
        ..SndRcvInfo::default()
    };
    loop {
        let mut guard = fd.writable().await?;
        match guard.try_io(|fd| send_msg(fd.as_raw_fd(), msg, &info)) {
            Ok(r) => return r,
            Err(_would_block) => continue,
        }
    }
}

/// (inbound, outbound) stream counts of the association.
fn stream_counts(fd: RawFd) -> Option<(u16, u16)> {
    // struct sctp_status: assoc_id (4), state (4), rwnd (4), unackdata (2), penddata (2),
    // instrms (2) at offset 16, outstrms (2) at offset 18, ...
    let mut buf = [0u8; 256];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: getsockopt into a buffer larger than struct sctp_status.
    let r =
        unsafe { libc::getsockopt(fd, SOL_SCTP, SCTP_STATUS, buf.as_mut_ptr().cast(), &mut len) };
    (r == 0 && len >= 20).then(|| {
        (
            u16::from_ne_bytes([buf[16], buf[17]]),
            u16::from_ne_bytes([buf[18], buf[19]]),
        )
    })
}

fn recv_piece(fd: RawFd, buf: &mut [u8]) -> io::Result<(usize, libc::c_int, Option<SndRcvInfo>)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let mut control = [0u64; 16]; // 128 octets, aligned for cmsghdr
                                  // SAFETY: msghdr is zero-initialisable; every pointer set below outlives the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: recvmsg(2) with buffers described by msg.
    let n = unsafe { libc::recvmsg(fd, &mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut info = None;
    // SAFETY: walking the control buffer the kernel filled, with the libc CMSG macros.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == SOL_SCTP && (*c).cmsg_type == SCTP_SNDRCV {
                let data = libc::CMSG_DATA(c);
                let avail = (*c).cmsg_len as usize - (data as usize - c as usize);
                info = SndRcvInfo::from_bytes(std::slice::from_raw_parts(data, avail));
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok((n as usize, msg.msg_flags, info))
}

fn send_msg(fd: RawFd, data: &[u8], info: &SndRcvInfo) -> io::Result<()> {
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    let mut control = [0u64; 8]; // CMSG_SPACE(32) = 48 octets on 64-bit Linux
                                 // SAFETY: as in recv_piece; CMSG macros write inside `control`, sized for one sndrcvinfo.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(SNDRCVINFO_LEN as u32) as _;
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = SOL_SCTP;
        (*c).cmsg_type = SCTP_SNDRCV;
        (*c).cmsg_len = libc::CMSG_LEN(SNDRCVINFO_LEN as u32) as _;
        std::ptr::copy_nonoverlapping(info.to_bytes().as_ptr(), libc::CMSG_DATA(c), SNDRCVINFO_LEN);
        let n = libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        if n as usize != data.len() {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "partial SCTP send",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
