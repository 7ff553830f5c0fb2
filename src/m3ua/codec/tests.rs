use super::*;
use crate::ber::from_hex;

#[test]
fn stream_identifiers() {
    let msg = |k: Kind| {
        let mut b = Vec::new();
        Builder::new(&mut b, k).finish();
        b
    };
    let bad = Err(ErrorCode::InvalidStreamIdentifier);
    // DATA on stream 0 of a multi-stream association; fine on 1..n, or alone on 0.
    assert_eq!(check_stream(&msg(Kind::Data), 0, 17), bad);
    assert_eq!(check_stream(&msg(Kind::Data), 3, 17), Ok(()));
    assert_eq!(check_stream(&msg(Kind::Data), 0, 1), Ok(()));
    // ASPSM (except BEAT), MGMT and RKM only on stream 0.
    for k in [
        Kind::AspUp,
        Kind::AspDnAck,
        Kind::Err,
        Kind::Ntfy,
        Kind::RegReq,
        Kind::DeregRsp,
    ] {
        assert_eq!(check_stream(&msg(k), 0, 17), Ok(()), "{k:?}");
        assert_eq!(check_stream(&msg(k), 2, 17), bad, "{k:?}");
    }
    // ASPTM, SSNM and BEAT on any stream.
    for k in [
        Kind::AspAc,
        Kind::AspIaAck,
        Kind::Duna,
        Kind::Daud,
        Kind::Beat,
        Kind::BeatAck,
    ] {
        assert_eq!(check_stream(&msg(k), 5, 17), Ok(()), "{k:?}");
        assert_eq!(check_stream(&msg(k), 0, 17), Ok(()), "{k:?}");
    }
    assert_eq!(check_stream(&[1, 0], 0, 17), Ok(()));
}

#[test]
fn aspup_with_asp_id_round_trips() {
    let mut buf = Vec::new();
    Builder::new(&mut buf, Kind::AspUp)
        .param_u32(tag::ASP_IDENTIFIER, 7)
        .finish();
    assert_eq!(buf, from_hex("01000301000000100011000800000007").unwrap());
    let m = Message::parse(&buf).unwrap();
    assert_eq!(m.kind(), Some(Kind::AspUp));
    assert_eq!(m.param(tag::ASP_IDENTIFIER), Some(&[0, 0, 0, 7][..]));
}

#[test]
fn data_protocol_data_with_padding() {
    let mut buf = Vec::new();
    let pd = ProtocolData {
        opc: 100,
        dpc: 200,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 5,
        data: &[1, 2, 3],
    };
    Builder::new(&mut buf, Kind::Data)
        .param_u32(tag::ROUTING_CONTEXT, 1)
        .protocol_data(&pd)
        .finish();
    assert_eq!(buf.len() % 4, 0);
    let m = Message::parse(&buf).unwrap();
    assert_eq!(m.protocol_data().unwrap(), pd);
    assert_eq!(
        m.routing_contexts()
            .unwrap()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [1]
    );
}

#[test]
fn header_length_is_checked_against_bytes() {
    let mut buf = Vec::new();
    Builder::new(&mut buf, Kind::Beat)
        .param(tag::HEARTBEAT_DATA, b"abcd")
        .finish();
    assert!(matches!(
        Message::parse(&buf[..buf.len() - 2]),
        Err(M3uaError::Truncated { .. })
    ));
    let mut bad = buf.clone();
    bad[0] = 2;
    assert_eq!(
        Message::parse(&bad).unwrap_err().error_code(),
        ErrorCode::InvalidVersion
    );
    let mut bad = buf.clone();
    bad[11] = 0x40; // parameter length beyond the message
    assert_eq!(
        Message::parse(&bad).unwrap_err().error_code(),
        ErrorCode::ParameterFieldError
    );
    assert_eq!(
        frame_len(&[1, 0, 3, 3, 0, 0, 0, 4]),
        Err(M3uaError::BadLength(4))
    );
    assert_eq!(frame_len(&[1, 0, 3]), Ok(None));
}
