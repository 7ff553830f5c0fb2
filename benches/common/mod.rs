//! The input both benchmarks decode: camel.pcap frame 1's TC-BEGIN (CAP v2 InitialDP,
//! serviceKey 42; shared/traces/wireshark-wiki) in an SCCP UDT (PC 200/SSN 146 from PC 100/SSN
//! 146, class 1 with return option) in M3UA DATA (RC 1, OPC 100, DPC 200, SI 3, NI 2, SLS 5),
//! built with scpd's encoders.

use scpd::ber::from_hex;
use scpd::m3ua::{Builder, Kind, ProtocolData};
use scpd::sccp::{self, Address};

pub const CAMEL_BEGIN: &str = "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370";

/// The TCAP bytes alone.
#[allow(dead_code)]
pub fn tcap() -> Vec<u8> {
    from_hex(CAMEL_BEGIN).unwrap()
}

/// The whole M3UA DATA message.
pub fn message() -> Vec<u8> {
    let tcap = tcap();
    let mut udt = Vec::new();
    sccp::encode_udt(
        &mut udt,
        0x81,
        &Address::ssn_pc(200, 146),
        &Address::ssn_pc(100, 146),
        &tcap,
    );
    let mut m = Vec::new();
    Builder::new(&mut m, Kind::Data)
        .param_u32(0x0006, 1)
        .protocol_data(&ProtocolData {
            opc: 100,
            dpc: 200,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 5,
            data: &udt,
        })
        .finish();
    m
}
