//! A switch played by hand over M3UA/TCP for the end-to-end tests: it brings its ASP up
//! and active, sends TCAP messages in UDTs (ITU SCCP) to one subsystem of the SCP (PC 200,
//! from PC 100) and reads the TCAP of the answers.

use scpd::m3ua::{Builder, Kind, Message, ProtocolData};
use scpd::sccp::{self, Address, Unitdata};
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

pub struct Switch {
    s: TcpStream,
    /// The SCP's subsystem addressed, and the one answers are expected from.
    ssn: u8,
}

impl Switch {
    /// Connect to the SCP's M3UA address and go ASP-ACTIVE.
    pub fn connect(addr: &str, ssn: u8) -> Switch {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut p = Switch { s, ssn };
        p.send_kind(Kind::AspUp);
        assert_eq!(p.recv_kind(), Kind::AspUpAck);
        p.send_kind(Kind::AspAc);
        assert_eq!(p.recv_kind(), Kind::AspAcAck);
        assert_eq!(p.recv_kind(), Kind::Ntfy);
        p
    }

    fn send_kind(&mut self, k: Kind) {
        let mut b = Vec::new();
        Builder::new(&mut b, k).finish();
        self.s.write_all(&b).unwrap();
    }

    fn recv(&mut self) -> Vec<u8> {
        super::read_m3ua(&mut self.s).unwrap()
    }

    fn recv_kind(&mut self) -> Kind {
        Message::parse(&self.recv()).unwrap().kind().unwrap()
    }

    /// TCAP to the SCP's subsystem in a UDT (the calling address has the same SSN).
    pub fn send(&mut self, tcap: &[u8]) {
        let mut u = Vec::new();
        sccp::encode_udt(
            &mut u,
            0x81,
            &Address::ssn_pc(200, self.ssn),
            &Address::ssn_pc(100, self.ssn),
            tcap,
        );
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::Data)
            .protocol_data(&ProtocolData {
                opc: 100,
                dpc: 200,
                si: 3,
                ni: 2,
                mp: 0,
                sls: 0,
                data: &u,
            })
            .finish();
        self.s.write_all(&b).unwrap();
    }

    /// The TCAP message of the next DATA, which must come from the subsystem addressed.
    pub fn recv_tcap(&mut self) -> Vec<u8> {
        let b = self.recv();
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Data), "expected DATA");
        let sccp = m.protocol_data().unwrap().data.to_vec();
        let u = Unitdata::decode(&sccp).unwrap();
        assert_eq!(
            u.calling.ssn,
            Some(self.ssn),
            "answered from the SSN addressed"
        );
        u.data.to_vec()
    }
}
