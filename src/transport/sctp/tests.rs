use super::*;
use crate::m3ua::{Builder, Kind, ProtocolData};

#[test]
fn sndrcvinfo_layout_matches_linux() {
    let i = SndRcvInfo {
        stream: 5,
        ppid: PPID_M3UA,
        assoc_id: -2,
        ..Default::default()
    };
    let b = i.to_bytes();
    assert_eq!(&b[0..2], &5u16.to_ne_bytes());
    // The PPID travels in network order: 00 00 00 03 on the wire and in the struct.
    assert_eq!(&b[8..12], &[0, 0, 0, 3]);
    assert_eq!(&b[28..32], &(-2i32).to_ne_bytes());
    assert_eq!(SndRcvInfo::from_bytes(&b), Some(i));
    assert_eq!(SndRcvInfo::from_bytes(&b[..31]), None);
}

#[test]
fn packed_addresses_are_sockaddr_structs() {
    let v4: SocketAddr = "10.1.2.3:2905".parse().unwrap();
    let v6: SocketAddr = "[::1]:2905".parse().unwrap();
    let p = pack_addrs(&[v4, v6]);
    assert_eq!(p.len(), 16 + 28);
    assert_eq!(u16::from_ne_bytes([p[0], p[1]]), libc::AF_INET as u16);
    assert_eq!(&p[2..4], &2905u16.to_be_bytes());
    assert_eq!(&p[4..8], &[10, 1, 2, 3]);
    assert_eq!(u16::from_ne_bytes([p[16], p[17]]), libc::AF_INET6 as u16);
    assert_eq!(p[16 + 8 + 15], 1);
}

#[test]
fn management_on_stream_zero_data_by_sls() {
    let mut up = Vec::new();
    Builder::new(&mut up, Kind::AspUp).finish();
    assert_eq!(stream_for(&up, STREAMS), 0);
    let data = |sls| {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::Data)
            .protocol_data(&ProtocolData {
                opc: 1,
                dpc: 2,
                si: 3,
                ni: 2,
                mp: 0,
                sls,
                data: &[],
            })
            .finish();
        b
    };
    assert_eq!(stream_for(&data(0), 17), 1);
    assert_eq!(stream_for(&data(15), 17), 16);
    assert_eq!(stream_for(&data(16), 17), 1);
    assert_eq!(
        stream_for(&data(7), 1),
        0,
        "a single stream carries everything"
    );
}

#[test]
fn records_reassemble_until_eor() {
    let mut a = RecordAssembler::new(10);
    assert_eq!(a.push(b"abc", false), Ok(None));
    assert_eq!(a.push(b"de", true), Ok(Some(&b"abcde"[..])));
    a.reset();
    assert_eq!(a.push(b"xy", true), Ok(Some(&b"xy"[..])));
    a.reset();
    assert_eq!(a.push(b"0123456", false), Ok(None));
    assert_eq!(a.push(b"7890", false), Err(RecordTooLarge(10)));
    // After an oversized record the assembler starts clean.
    assert_eq!(a.push(b"ok", true), Ok(Some(&b"ok"[..])));
}

#[test]
fn probe_reports_clearly() {
    match probe() {
        Ok(()) => eprintln!("kernel SCTP available on this machine"),
        Err(e) => {
            let text = e.to_string();
            eprintln!("kernel SCTP unavailable here, as reported: {text}");
            assert!(
                text.contains("IPPROTO_SCTP") && text.contains("tcp://"),
                "{text}"
            );
            // Opening a listener reports the same errno, not something obscure.
            let err = SctpListener::bind(&["127.0.0.1:0".parse().unwrap()])
                .err()
                .unwrap();
            assert_eq!(err.raw_os_error(), Some(libc::EPROTONOSUPPORT));
        }
    }
}

/// Real sockets where the kernel has SCTP; a plain skip notice where it has not.
#[tokio::test]
async fn loopback_association_carries_records_on_streams() {
    if let Err(e) = probe() {
        eprintln!("skipped: {e}");
        return;
    }
    let l = SctpListener::bind(&["127.0.0.1:0".parse().unwrap()]).unwrap();
    let port = {
        let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: getsockname into a sockaddr_in.
        unsafe {
            libc::getsockname(
                l.fd.as_raw_fd(),
                (&mut sa as *mut libc::sockaddr_in).cast(),
                &mut len,
            )
        };
        u16::from_be(sa.sin_port)
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let remote = [addr];
    let (client, server) = tokio::join!(SctpStream::connect(&remote, &[]), l.accept());
    let (client, mut server) = (client.unwrap(), server.unwrap());
    let big = vec![0x5a; 20_000];
    client.send(b"hello", 0).await.unwrap();
    client.send(&big, 3).await.unwrap();
    let (info, rec) = server.recv().await.unwrap().unwrap();
    assert_eq!((info.stream, info.ppid, rec), (0, PPID_M3UA, &b"hello"[..]));
    let (info, rec) = server.recv().await.unwrap().unwrap();
    assert_eq!((info.stream, rec.len()), (3, big.len()));
}
