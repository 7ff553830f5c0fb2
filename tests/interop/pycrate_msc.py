#!/usr/bin/env python3
"""Independent MSC (gsmSSF) built on pycrate, played against a real scpd daemon.

Every layer we send and every layer we check (M3UA, SCCP, TCAP, CAP, ISUP/TBCD numbers) is
encoded and decoded by pycrate, never by scpd's code.

Usage: pycrate_msc.py [--sctp] [SCPD_BINARY]      (default target/debug/scpd)

With --sctp (a kernel with SCTP: tests/sctp-vm) the associations are kernel SCTP instead of
TCP: scpd listens on sctp://127.0.0.1,127.0.0.2:PORT (multi-homed), every message goes as one
record with PPID 3, management on stream 0 and DATA on stream 1 + SLS mod (streams - 1), and
every message scpd sends is checked the same way (sctp.py: python's own socket module).
INTEROP_PCAP=FILE passes --pcap FILE to scpd.

Scenario (two M3UA/TCP associations, one activated with routing context 1, one without):
  * 10 calls from/to unknown subscribers       -> TC-END + AARE + Invoke continue
  * 5 monitored originating calls (O-CSI)      -> TC-CONTINUE + AARE + RRBCSM(oAnswer, oDisconnect)
                                                  + continue; ERBCSM oAnswer; ERBCSM oDisconnect
                                                  -> TC-END + continue
  * 5 monitored terminating calls (T-CSI)      -> same with tAnswer / tDisconnect
  Some calls are interleaved, some use an SCCP calling party routed on GT (no point code).
  The gRPC CallEvent stream (`scpd events --follow`) must show one TRIGGER per call with the
  digits/IMSI/direction we sent, and ANSWERED then DISCONNECTED (same call_id) for monitored calls.

Exit status 0 when everything passed; otherwise non-zero with the first failed assertion, the
offending bytes and scpd's stderr.
"""

import json
import os
import queue
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sctp  # noqa: E402  (tests/interop/sctp.py)

from pycrate_core.charpy import Charpy
from pycrate_asn1rt.codecs import ASN1CodecBER
from pycrate_asn1dir import TCAP_CAP
import pycrate_mobile.M3UA as M3UA
import pycrate_mobile.SCCP as SCCP
from pycrate_mobile.ISUP import CalledPartyNum, CallingPartyNum
from pycrate_mobile.TS24008_IE import BufBCD, CalledPartyBCDNumber
from pycrate_mobile.TS29002_MAPIE import AddressString

TCAP_MSG = TCAP_CAP.TCAP_CAP_Messages.TCAP_CAP_Message
PYCRATE_LOCK = threading.Lock()  # pycrate objects are module-level singletons

MSC_PC = 100
SCP_PC = 200
SSN_CAP = 146
AC_CAP_V2 = (0, 4, 0, 0, 1, 0, 50, 1)
DIALOGUE_AS_ID = (0, 0, 17, 773, 1, 1, 1)
OP_IDP, OP_RRBCSM, OP_ERBCSM, OP_CONTINUE = 0, 23, 24, 31

MONITORED_A = "491700000001"   # enrolled: the brief's number
MONITORED_B = "4915790000002"  # enrolled too (odd digit count)

READ_TIMEOUT = 5.0

# Kernel SCTP instead of TCP (--sctp); the daemon's addresses are then both loopbacks.
SCTP = False
SCTP_HOSTS = ("127.0.0.1", "127.0.0.2")


class Fail(Exception):
    pass


PASSED = 0


def check(cond, msg, data=None):
    global PASSED
    if not cond:
        if data is not None:
            msg += "\n    bytes: " + (data.hex() if isinstance(data, (bytes, bytearray)) else repr(data))
        raise Fail(msg)
    PASSED += 1


# --------------------------------------------------------------------------------------------
# Number encodings (pycrate)
# --------------------------------------------------------------------------------------------

def isup_called(digits, nai=4):
    n = CalledPartyNum()
    n.set_val({"NAI": nai, "INN": 1, "NumPlan": 1})
    n.set_num(digits)
    return n.to_bytes()


def isup_calling(digits, nai=4):
    n = CallingPartyNum()
    n.set_val({"NAI": nai, "NI": 0, "NumPlan": 1, "AddrPresInd": 0, "ScreeningInd": 3})
    n.set_num(digits)
    return n.to_bytes()


def bcd_called(digits):
    n = CalledPartyBCDNumber()
    n["Num"].encode(digits)
    return n.to_bytes()


def tbcd(digits):
    b = BufBCD("imsi")
    b.encode(digits)
    return b.to_bytes()


def address_string(digits):
    a = AddressString()
    a.set_val({"Ext": 1, "NumType": 1, "NumPlan": 1})
    a["Num"].get_alt().encode(digits)
    return a.to_bytes()


# --------------------------------------------------------------------------------------------
# M3UA (pycrate_mobile.M3UA)
# --------------------------------------------------------------------------------------------

def m3ua_param(tag, val):
    p = M3UA.Param()
    p.set_val({"Tag": tag, "Val": val})
    return p


def m3ua_aspup():
    return M3UA.M3UA_ASPUp().to_bytes()


def m3ua_aspac(rc):
    m = M3UA.M3UA_ASPAct()
    m[1].clear()
    m[1].append(m3ua_param(M3UA.M3UATag.TrafficModeType, 1))  # override
    if rc is not None:
        m[1].append(m3ua_param(M3UA.M3UATag.RoutingContext, [rc]))
    return m.to_bytes()


def m3ua_data(sccp, rc, sls):
    m = M3UA.M3UA_DATA()
    m[1].clear()
    if rc is not None:
        m[1].append(m3ua_param(M3UA.M3UATag.RoutingContext, [rc]))
    m[1].append(m3ua_param(M3UA.M3UATag.ProtocolData, {
        "OPC": MSC_PC, "DPC": SCP_PC, "SI": 3, "NI": 2, "MP": 0, "SLS": sls, "Data": sccp}))
    return m.to_bytes()


def m3ua_params(msg):
    return {int(p[0].get_val()): p[2].get_val() for p in msg[1]}


# --------------------------------------------------------------------------------------------
# SCCP (pycrate_mobile.SCCP)
# --------------------------------------------------------------------------------------------

def sccp_set_pc_ssn(val, pc, ssn):
    val["AddrInd"].set_val({"RoutingInd": 1, "GTInd": 0, "SSNInd": 1, "PCInd": 1})
    val["PC"].set_val(pc)
    val["SSN"].set_val(ssn)


def sccp_set_gt(val, digits, ssn):
    val["AddrInd"].set_val({"RoutingInd": 0, "GTInd": 4, "SSNInd": 1, "PCInd": 0})
    gt = val["GT"].get_alt()
    gt.set_val({"TranslationType": 0, "NumberingPlan": 1,
                "EncodingScheme": 1 if len(digits) % 2 else 2, "NAI": 4})
    gt["Addr"].get_alt().encode(digits)
    val["SSN"].set_val(ssn)


def sccp_udt(data, calling_gt=None, pclass=0):
    u = SCCP.SCCPUnitData()
    sccp_set_pc_ssn(u["CalledPartyAddr"]["Value"], SCP_PC, SSN_CAP)
    if calling_gt:
        sccp_set_gt(u["CallingPartyAddr"]["Value"], calling_gt, SSN_CAP)
    else:
        sccp_set_pc_ssn(u["CallingPartyAddr"]["Value"], MSC_PC, SSN_CAP)
    u["ProtocolClass"].set_val({"Handling": 8 if pclass else 0, "Class": pclass})
    u["Data"]["Value"].set_val(data)
    return u.to_bytes()


def sccp_addr_summary(party):
    v = party["Value"]
    ai = v["AddrInd"]
    out = {"ri": ai["RoutingInd"].get_val(), "gti": ai["GTInd"].get_val(),
           "ssni": ai["SSNInd"].get_val(), "pci": ai["PCInd"].get_val()}
    if out["pci"]:
        out["pc"] = v["PC"].get_val()
    if out["ssni"]:
        out["ssn"] = v["SSN"].get_val()
    if out["gti"]:
        gt = v["GT"].get_alt()
        d = gt["Addr"].get_alt().decode()
        if "EncodingScheme" in gt._by_name and gt["EncodingScheme"].get_val() == 1 and d:
            d = d[:-1]  # BCD odd: pycrate also returns the filler nibble
        out["gt"] = d
        out["gt_fields"] = {k: gt[k].get_val() for k in ("TranslationType", "NumberingPlan", "NAI")
                            if k in gt._by_name}
    return out


# --------------------------------------------------------------------------------------------
# TCAP / CAP (pycrate_asn1dir.TCAP_CAP)
# --------------------------------------------------------------------------------------------

def tcap_encode(val):
    with PYCRATE_LOCK:
        TCAP_MSG.set_val(val)
        return TCAP_MSG.to_ber()


def tcap_decode(buf):
    """Decode with pycrate; also return the raw TLV tree to catch silently dropped arguments."""
    with PYCRATE_LOCK:
        ch = Charpy(buf)
        TCAP_MSG.from_ber(ch)
        consumed = ch._cur // 8
        val = TCAP_MSG.get_val()
    check(consumed == len(buf), "TCAP: pycrate consumed %d of %d bytes" % (consumed, len(buf)), buf)
    tlvs = ASN1CodecBER.decode_all(Charpy(buf))
    return val, tlvs


def dialogue_aarq():
    return {"direct-reference": DIALOGUE_AS_ID,
            "encoding": ("single-ASN1-type", ("DialoguePDU", ("dialogueRequest", {
                "protocol-version": (1, 1), "application-context-name": AC_CAP_V2})))}


def invoke(iid, op, arg=None):
    inv = {"invokeId": ("present", iid), "opcode": ("local", op)}
    if arg is not None:
        inv["argument"] = arg
    return ("basicROS", ("invoke", inv))


def raw_invokes(tlvs):
    """Raw component TLVs of a TCAP message: list of (children of each invoke)."""
    top = tlvs[0]
    comps = [c for c in top[4] if c[0] == 1 and c[2] == 12]  # [APPLICATION 12] components
    out = []
    for portion in comps:
        for comp in portion[4]:
            out.append(comp)
    return out


def invokes_checked(val, tlvs, buf):
    """Return decoded invokes [(opcode, argument-or-None, invokeId)], asserting no argument or
    argument member was dropped by pycrate."""
    kind, body = val
    comps = body.get("components", [])
    raws = raw_invokes(tlvs)
    check(len(comps) == len(raws), "TCAP: %d components on the wire, %d decoded" % (len(raws), len(comps)), buf)
    out = []
    for comp, raw in zip(comps, raws):
        check(comp[0] == "basicROS" and comp[1][0] == "invoke",
              "TCAP: expected an Invoke component, got %r" % (comp,), buf)
        check(raw[0] == 2 and raw[2] == 1, "TCAP: component tag is not [1] Invoke", buf)
        inv = comp[1][1]
        children = [c for c in raw[4] if not (c[0] == 2 and c[2] == 0)]  # drop linkedId [0]
        has_arg_on_wire = len(children) >= 3
        check(len(children) <= 3, "TCAP: invoke has %d elements" % len(raw[4]), buf)
        check(has_arg_on_wire == ("argument" in inv),
              "TCAP: invoke opcode %r argument on wire=%s but decoded=%s (pycrate dropped it: wrong tag?)"
              % (inv.get("opcode"), has_arg_on_wire, "argument" in inv), buf)
        check(inv["opcode"][0] == "local", "TCAP: global opcode %r" % (inv["opcode"],), buf)
        arg = inv.get("argument")
        if arg is not None:
            check(not str(arg[0]).startswith("_unk"), "CAP: opcode %r argument not understood by pycrate: %r"
                  % (inv["opcode"], arg), buf)
            if isinstance(arg[1], dict) and children[2][1] == 1:
                n_wire = len(children[2][4])
                check(n_wire == len(arg[1]), "CAP: %s has %d members on the wire, pycrate decoded %d (%s)"
                      % (arg[0], n_wire, len(arg[1]), sorted(arg[1])), buf)
        out.append((inv["opcode"][1], arg, inv["invokeId"]))
    return out


def check_aare(body, buf):
    check("dialoguePortion" in body, "TCAP: first answer has no dialogue portion (AARE)", buf)
    dp = body["dialoguePortion"]
    check(tuple(dp["direct-reference"]) == DIALOGUE_AS_ID,
          "TCAP: dialogue-as-id %r" % (dp["direct-reference"],), buf)
    enc = dp["encoding"]
    check(enc[0] == "single-ASN1-type" and enc[1][0] == "DialoguePDU" and enc[1][1][0] == "dialogueResponse",
          "TCAP: dialogue portion is not an AARE: %r" % (enc,), buf)
    aare = enc[1][1][1]
    check(tuple(aare["application-context-name"]) == AC_CAP_V2,
          "TCAP: AARE AC %r != %r" % (aare["application-context-name"], AC_CAP_V2), buf)
    check(aare["result"] == 0, "TCAP: AARE result %r (not accepted)" % (aare["result"],), buf)
    check(aare["result-source-diagnostic"][0] == "dialogue-service-user"
          and aare["result-source-diagnostic"][1] == 0,
          "TCAP: AARE diagnostic %r" % (aare["result-source-diagnostic"],), buf)


# --------------------------------------------------------------------------------------------
# One M3UA association
# --------------------------------------------------------------------------------------------

class Assoc:
    def __init__(self, name, port, rc):
        self.name, self.rc = name, rc
        if SCTP:
            self.sock = sctp.connect([(h, port) for h in SCTP_HOSTS], timeout=READ_TIMEOUT)
            self.ins, self.outs = sctp.streams(self.sock)
            check(self.outs > 1 and self.ins > 1, "%s: SCTP streams in/out %d/%d: want several"
                  % (name, self.ins, self.outs))
        else:
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT)
        self.buf = b""
        self.stash = []  # decoded answers not yet claimed: (dtid, record)
        self.sls = 0
        self.data_streams = set()  # SCTP streams scpd's DATA came on

    def send(self, b):
        """One M3UA message; over SCTP on the stream RFC 4666 §1.4.7 calls for."""
        if SCTP:
            cls, typ = b[2], b[3]
            stream = 0
            if (cls, typ) == (1, 1):
                stream = 1 + self.sls % (self.outs - 1)
            sctp.send(self.sock, b, stream)
        else:
            self.sock.sendall(b)

    def read_record(self, timeout):
        """Over SCTP: the next record, checked as one whole M3UA message with PPID 3 on a
        stream its class may use (DATA on the stream its SLS picks)."""
        self.sock.settimeout(timeout)
        try:
            r = sctp.recv(self.sock)
        except socket.timeout:
            raise Fail("%s: timeout (%.1fs) waiting for an M3UA message" % (self.name, timeout))
        check(r is not None, "%s: scpd closed the SCTP association" % self.name)
        raw, stream, ppid, _ = r
        check(ppid == sctp.PPID_M3UA, "%s: SCTP PPID %d, M3UA is 3" % (self.name, ppid), raw)
        check(len(raw) >= 8 and int.from_bytes(raw[4:8], "big") == len(raw),
              "%s: an SCTP record of %d octets is not one M3UA message" % (self.name, len(raw)), raw)
        cls, typ = raw[2], raw[3]
        if (cls, typ) == (1, 1):
            with PYCRATE_LOCK:
                msg, err = M3UA.parse_M3UA(raw)
            sls = m3ua_params(msg)[528][5] if msg is not None and err == 0 and 528 in m3ua_params(msg) else None
            check(sls is not None and stream == 1 + sls % (self.ins - 1),
                  "%s: DATA with SLS %r on stream %d (want 1 + SLS mod %d)" % (self.name, sls, stream, self.ins - 1), raw)
            self.data_streams.add(stream)
        elif cls in (0, 3, 4, 9) and (cls, typ) not in ((3, 3), (3, 6)):  # BEAT may use any
            check(stream == 0, "%s: M3UA class %d type %d on stream %d (management is on 0)"
                  % (self.name, cls, typ, stream), raw)
        return raw

    def read_m3ua(self, timeout=READ_TIMEOUT):
        deadline = time.time() + timeout
        while True:
            if SCTP and not self.buf:
                left = deadline - time.time()
                if left <= 0:
                    raise Fail("%s: timeout (%.1fs) waiting for an M3UA message" % (self.name, timeout))
                self.buf = self.read_record(left)
            if len(self.buf) >= 8:
                ln = int.from_bytes(self.buf[4:8], "big")
                check(ln >= 8, "%s: M3UA length %d < 8" % (self.name, ln), self.buf[:16])
                if len(self.buf) >= ln:
                    raw, self.buf = self.buf[:ln], self.buf[ln:]
                    with PYCRATE_LOCK:
                        msg, err = M3UA.parse_M3UA(raw)
                    check(msg is not None and err == 0, "%s: pycrate cannot parse M3UA (err %r)" % (self.name, err), raw)
                    cls, typ = msg[0]["Class"].get_val(), msg[0]["Type"].get_val()
                    if (cls, typ) == (0, 1):  # MGMT NTFY: tolerated
                        continue
                    return cls, typ, msg, raw
            left = deadline - time.time()
            if left <= 0:
                raise Fail("%s: timeout (%.1fs) waiting for an M3UA message" % (self.name, timeout))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Fail("%s: timeout (%.1fs) waiting for an M3UA message" % (self.name, timeout))
            check(chunk != b"", "%s: scpd closed the M3UA connection" % self.name)
            self.buf += chunk

    def handshake(self):
        self.send(m3ua_aspup())
        cls, typ, msg, raw = self.read_m3ua()
        check((cls, typ) == (3, 4), "%s: expected ASPUP_ACK (3,4), got (%d,%d)" % (self.name, cls, typ), raw)
        self.send(m3ua_aspac(self.rc))
        cls, typ, msg, raw = self.read_m3ua()
        check((cls, typ) == (4, 3), "%s: expected ASPAC_ACK (4,3), got (%d,%d)" % (self.name, cls, typ), raw)
        prm = m3ua_params(msg)
        if self.rc is not None and 6 in prm:
            check(list(prm[6]) == [self.rc], "%s: ASPAC_ACK routing context %r" % (self.name, prm[6]), raw)

    def send_tcap(self, tcap, calling_gt=None, pclass=0):
        self.sls = (self.sls + 1) % 16
        self.send(m3ua_data(sccp_udt(tcap, calling_gt, pclass), self.rc, self.sls))

    def _read_tcap(self, timeout):
        cls, typ, msg, raw = self.read_m3ua(timeout)
        check((cls, typ) == (1, 1), "%s: expected M3UA DATA, got class %d type %d" % (self.name, cls, typ), raw)
        prm = m3ua_params(msg)
        check(528 in prm, "%s: DATA without Protocol Data" % self.name, raw)
        if self.rc is not None and 6 in prm:
            check(list(prm[6]) == [self.rc], "%s: DATA routing context %r" % (self.name, prm[6]), raw)
        if self.rc is None:
            check(6 not in prm, "%s: DATA carries a routing context %r though none was used" % (self.name, prm.get(6)), raw)
        opc, dpc, si, ni, mp, sls, data = prm[528]
        check((opc, dpc, si, ni) == (SCP_PC, MSC_PC, 3, 2),
              "%s: DATA OPC/DPC/SI/NI = %r, expected (200,100,3,2)" % (self.name, (opc, dpc, si, ni)), raw)
        with PYCRATE_LOCK:
            sc, err = SCCP.parse_SCCP(data)
            check(sc is not None and err == 0, "%s: pycrate cannot parse SCCP (err %r)" % (self.name, err), data)
            styp = sc["Type"].get_val()
            check(styp in (9, 17), "%s: SCCP message type %d (expected UDT 9 or XUDT 17)" % (self.name, styp), data)
            cd = sccp_addr_summary(sc["CalledPartyAddr"])
            cg = sccp_addr_summary(sc["CallingPartyAddr"])
            pcls = sc["ProtocolClass"]["Class"].get_val()
            ud = sc["Data"]["Value"].get_val()
        val, tlvs = tcap_decode(ud)
        kind, body = val
        dtid = body.get("dtid")
        check(dtid is not None, "%s: TCAP %s without dtid" % (self.name, kind), ud)
        return dtid, {"kind": kind, "body": body, "tlvs": tlvs, "tcap": ud, "called": cd,
                      "calling": cg, "pclass": pcls, "sccp": data}

    def wait_for(self, dtid, timeout=READ_TIMEOUT):
        """Next answer for our dialogue `dtid` (answers for other dialogues are stashed)."""
        deadline = time.time() + timeout
        while True:
            for i, (d, rec) in enumerate(self.stash):
                if d == dtid:
                    del self.stash[i]
                    return rec
            left = deadline - time.time()
            if left <= 0:
                raise Fail("%s: no answer for dialogue otid=%s within %.1fs" % (self.name, dtid.hex(), timeout))
            d, rec = self._read_tcap(left)
            self.stash.append((d, rec))

    def close(self):
        try:
            self.sock.close()
        except Exception:
            pass


# --------------------------------------------------------------------------------------------
# Calls
# --------------------------------------------------------------------------------------------

class Call:
    _otids = set()

    def __init__(self, assoc, kind, calling, called, imsi, direction, called_bcd=False,
                 calling_gt=None, pclass=0, event_type=None, service_key=None):
        self.assoc, self.kind = assoc, kind  # kind: unknown | orig | term
        self.calling, self.called, self.imsi = calling, called, imsi
        self.direction = direction
        self.called_bcd = called_bcd
        self.calling_gt = calling_gt
        self.pclass = pclass
        self.event_type = event_type or ("termAttemptAuthorized" if direction == "TERMINATING"
                                         else random.choice(["collectedInfo", "analyzedInformation"]))
        self.service_key = service_key if service_key is not None else random.choice([10, 42, 100, 65535, 2147483647])
        while True:
            ln = random.choice([1, 2, 3, 4])
            otid = bytes(random.getrandbits(8) for _ in range(ln))
            if otid not in Call._otids:
                Call._otids.add(otid)
                break
        self.otid = otid
        self.scp_tid = None
        self.armed = {}
        self.next_iid = 1

    def label(self):
        return "%s call otid=%s %s->%s" % (self.kind, self.otid.hex(), self.calling, self.called)

    def idp(self):
        arg = {
            "serviceKey": self.service_key,
            "callingPartyNumber": isup_calling(self.calling),
            "callingPartysCategory": b"\x0a",
            "eventTypeBCSM": self.event_type,
            "iMSI": tbcd(self.imsi),
            "locationInformation": {
                "ageOfLocationInformation": random.randint(0, 30),
                "vlr-number": address_string("4917200" + "%05d" % random.randint(0, 99999)),
                "cellGlobalIdOrServiceAreaIdOrLAI": ("cellGlobalIdOrServiceAreaIdFixedLength",
                                                     bytes.fromhex("62f210") + os.urandom(4)),
            },
            "ext-basicServiceCode": ("ext-Teleservice", b"\x11"),
            "callReferenceNumber": os.urandom(random.choice([4, 8])),
            "mscAddress": address_string("4917200" + "%05d" % random.randint(0, 99999)),
            "timeAndTimezone": bytes.fromhex("0262112014305540"),
        }
        if self.called_bcd:
            arg["calledPartyBCDNumber"] = bcd_called(self.called)
        else:
            arg["calledPartyNumber"] = isup_called(self.called)
        if self.direction == "TERMINATING":
            arg["bearerCapability"] = ("bearerCap", b"\x80\x90\xa3")
        return ("begin", {
            "otid": self.otid,
            "dialoguePortion": dialogue_aarq(),
            "components": [invoke(self.iid(), OP_IDP, ("InitialDPArg", arg))],
        })

    def iid(self):
        i = self.next_iid
        self.next_iid += 1
        return i

    # -- steps ----------------------------------------------------------------------------
    def send_idp(self):
        self.assoc.send_tcap(tcap_encode(self.idp()), self.calling_gt, self.pclass)

    def check_sccp(self, rec):
        buf = rec["sccp"]
        if self.calling_gt:
            exp_called = {"ri": 0, "gti": 4, "ssni": 1, "pci": 0, "ssn": SSN_CAP, "gt": self.calling_gt}
            got = dict(rec["called"])
            got.pop("gt_fields", None)
            check(got == exp_called, "%s: SCCP called party %r, expected our calling GT %r"
                  % (self.label(), rec["called"], exp_called), buf)
        else:
            exp_called = {"ri": 1, "gti": 0, "ssni": 1, "pci": 1, "pc": MSC_PC, "ssn": SSN_CAP}
            check(rec["called"] == exp_called, "%s: SCCP called party %r, expected %r"
                  % (self.label(), rec["called"], exp_called), buf)
        exp_calling = {"ri": 1, "gti": 0, "ssni": 1, "pci": 1, "pc": SCP_PC, "ssn": SSN_CAP}
        check(rec["calling"] == exp_calling, "%s: SCCP calling party %r, expected %r"
              % (self.label(), rec["calling"], exp_calling), buf)

    def expect_first_answer(self):
        rec = self.assoc.wait_for(self.otid)
        buf, body = rec["tcap"], rec["body"]
        self.check_sccp(rec)
        if self.kind == "unknown":
            check(rec["kind"] == "end", "%s: expected TC-END, got TC-%s" % (self.label(), rec["kind"]), buf)
            check_aare(body, buf)
            invs = invokes_checked(("end", body), rec["tlvs"], buf)
            check([(op, arg) for op, arg, _ in invs] == [(OP_CONTINUE, None)],
                  "%s: expected exactly Invoke continue, got %r" % (self.label(), invs), buf)
            return
        check(rec["kind"] == "continue", "%s: expected TC-CONTINUE, got TC-%s" % (self.label(), rec["kind"]), buf)
        check("otid" in body and 1 <= len(body["otid"]) <= 4, "%s: bad scpd otid %r" % (self.label(), body.get("otid")), buf)
        self.scp_tid = body["otid"]
        check_aare(body, buf)
        invs = invokes_checked(("continue", body), rec["tlvs"], buf)
        ops = [op for op, _, _ in invs]
        check(OP_RRBCSM in ops and OP_CONTINUE in ops and ops.index(OP_RRBCSM) < ops.index(OP_CONTINUE),
              "%s: expected Invoke requestReportBCSMEvent then continue, got opcodes %r" % (self.label(), ops), buf)
        iids = [i for _, _, i in invs]
        check(len(set(map(repr, iids))) == len(iids), "%s: duplicate invokeIds %r" % (self.label(), iids), buf)
        for op, arg, _ in invs:
            if op == OP_CONTINUE:
                check(arg is None, "%s: continue carries an argument %r" % (self.label(), arg), buf)
        rr = [arg for op, arg, _ in invs if op == OP_RRBCSM][0]
        check(rr is not None and rr[0] == "RequestReportBCSMEventArg",
              "%s: RRBCSM argument %r" % (self.label(), rr), buf)
        for ev in rr[1]["bcsmEvents"]:
            leg = ev.get("legID")
            self.armed.setdefault(ev["eventTypeBCSM"], []).append((ev["monitorMode"], leg))
        ans, disc = ("oAnswer", "oDisconnect") if self.kind == "orig" else ("tAnswer", "tDisconnect")
        check(ans in self.armed and disc in self.armed,
              "%s: RRBCSM arms %r, missing %s/%s" % (self.label(), sorted(self.armed), ans, disc), buf)
        check(any(m == "notifyAndContinue" for m, _ in self.armed[ans]),
              "%s: %s armed as %r, expected notifyAndContinue" % (self.label(), ans, self.armed[ans]), buf)
        check(all(m in ("interrupted", "notifyAndContinue") for m, _ in self.armed[disc]),
              "%s: %s armed as %r" % (self.label(), disc, self.armed[disc]), buf)
        for ev in rr[1]["bcsmEvents"]:
            if ev.get("legID") is not None:
                check(ev["legID"][0] == "sendingSideID" and ev["legID"][1] in (b"\x01", b"\x02"),
                      "%s: RRBCSM legID %r" % (self.label(), ev["legID"]), buf)

    def erbcsm(self, event, info, leg, mode):
        arg = {"eventTypeBCSM": event, "legID": ("receivingSideID", leg),
               "miscCallInfo": {"messageType": "request" if mode == "interrupted" else "notification"}}
        if info is not None:
            arg["eventSpecificInformationBCSM"] = info
        return ("continue", {"otid": self.otid, "dtid": self.scp_tid,
                             "components": [invoke(self.iid(), OP_ERBCSM, ("EventReportBCSMArg", arg))]})

    def send_answer(self):
        ans = "oAnswer" if self.kind == "orig" else "tAnswer"
        info = ("oAnswerSpecificInfo", {}) if self.kind == "orig" else ("tAnswerSpecificInfo", {})
        if random.random() < 0.5:
            info = None
        leg = b"\x02" if self.kind == "orig" else b"\x01"
        self.assoc.send_tcap(tcap_encode(self.erbcsm(ans, info, leg, "notifyAndContinue")), self.calling_gt, self.pclass)

    def send_disconnect(self):
        disc = "oDisconnect" if self.kind == "orig" else "tDisconnect"
        cause = random.choice([b"\x80\x90", b"\x82\x90", b"\x8a\x90", b"\x80\x9f"])
        info = ("oDisconnectSpecificInfo" if self.kind == "orig" else "tDisconnectSpecificInfo",
                {"releaseCause": cause})
        armed = self.armed[disc]
        mode, leg = random.choice(armed)
        legb = leg[1] if leg is not None else b"\x02"
        self.assoc.send_tcap(tcap_encode(self.erbcsm(disc, info, legb, mode)), self.calling_gt, self.pclass)

    def expect_end(self):
        rec = self.assoc.wait_for(self.otid)
        buf, body = rec["tcap"], rec["body"]
        self.check_sccp(rec)
        check(rec["kind"] == "end", "%s: after the disconnect report expected TC-END, got TC-%s (an answer to "
              "the notifyAndContinue oAnswer report?)" % (self.label(), rec["kind"]), buf)
        check("dialoguePortion" not in body, "%s: TC-END of a confirmed dialogue carries a dialogue portion %r"
              % (self.label(), body.get("dialoguePortion")), buf)
        invs = invokes_checked(("end", body), rec["tlvs"], buf)
        check([(op, arg) for op, arg, _ in invs] == [(OP_CONTINUE, None)],
              "%s: TC-END should hold exactly Invoke continue, got %r" % (self.label(), invs), buf)


# --------------------------------------------------------------------------------------------
# Daemon and event stream
# --------------------------------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class EventReader:
    def __init__(self, scpd, grpc):
        self.q = queue.Queue()
        self.err = []
        self.proc = subprocess.Popen([scpd, "events", "--grpc", grpc, "--follow"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.q.put(line)
        self.q.put(None)

    def _pump_err(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def collect(self, want, timeout):
        """Read events until `want(events)` is true or the timeout expires."""
        events = []
        deadline = time.time() + timeout
        while not want(events):
            left = deadline - time.time()
            if left <= 0:
                break
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                raise Fail("scpd events printed a line that is not JSON: %r" % line)
        return events

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wait_port(port, proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise Fail("scpd exited with status %r before listening" % proc.returncode)
        try:
            if SCTP:
                sctp.connect([("127.0.0.1", port)], timeout=0.5).close()
            else:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise Fail("scpd did not accept on M3UA port %d within %ds" % (port, timeout))


def run_cli(args, timeout=10, retry_for=10):
    deadline = time.time() + retry_for
    while True:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if r.returncode == 0 or time.time() > deadline:
            return r
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------

def digits(n):
    return "".join(random.choice("0123456789") for _ in range(n))


def scenario(scpd, workdir, log_path):
    global PASSED
    m3ua_port, grpc_port = free_port(), free_port()
    grpc = "127.0.0.1:%d" % grpc_port
    state = {"daemon": None, "events": None, "assocs": []}
    log = open(log_path, "w")
    try:
        listen = ("sctp://%s:%d" % (",".join(SCTP_HOSTS), m3ua_port) if SCTP
                  else "tcp://127.0.0.1:%d" % m3ua_port)
        args = [scpd, "run", "--m3ua-listen", listen,
                "--grpc-listen", grpc, "--db", os.path.join(workdir, "scpd.db")]
        if os.environ.get("INTEROP_PCAP"):
            args += ["--pcap", os.environ["INTEROP_PCAP"]]
        daemon = subprocess.Popen(args, stdout=log, stderr=log, cwd=workdir)
        state["daemon"] = daemon
        wait_port(m3ua_port, daemon)

        for num in (MONITORED_A, MONITORED_B):
            r = run_cli([scpd, "subscriber", "add", "--grpc", grpc, num, "--policy", "monitor"])
            check(r.returncode == 0, "scpd subscriber add %s exited %d: %s%s" % (num, r.returncode, r.stdout, r.stderr))

        ev = EventReader(scpd, grpc)
        state["events"] = ev
        time.sleep(0.5)  # let the subscription establish before the first trigger

        a = Assoc("assoc-A(rc=1)", m3ua_port, 1)
        state["assocs"].append(a)
        a.handshake()
        b = Assoc("assoc-B(no rc)", m3ua_port, None)
        state["assocs"].append(b)
        b.handshake()

        used_imsis = set()

        def imsi():
            while True:
                i = random.choice(["26201", "26202", "26203", "20810", "310260"])
                i = i + digits(15 - len(i))
                if i not in used_imsis:
                    used_imsis.add(i)
                    return i

        calls = []
        # 10 unknown-subscriber calls, originating and terminating, both associations
        for k in range(10):
            assoc = a if k % 2 == 0 else b
            term = k % 3 == 2
            calling = "49" + random.choice(["151", "160", "170", "176"]) + digits(random.choice([7, 8]))
            called = random.choice(["4930", "4989", "4940"]) + digits(random.choice([6, 7, 8]))
            gt = ("4917200" + digits(5)) if (assoc is b and k in (1, 5)) else None
            calls.append(Call(assoc, "unknown", calling, called, imsi(),
                              "TERMINATING" if term else "ORIGINATING",
                              called_bcd=(not term and k % 4 == 0), calling_gt=gt, pclass=k % 2))
        # 5 monitored originating, 5 monitored terminating
        for k in range(5):
            assoc = a if k % 2 == 0 else b
            gt = ("4917299" + digits(4)) if (assoc is b and k == 3) else None
            calls.append(Call(assoc, "orig", MONITORED_A if k != 4 else MONITORED_B,
                              random.choice(["4930", "4969", "4921"]) + digits(7), imsi(), "ORIGINATING",
                              called_bcd=(k % 2 == 1), calling_gt=gt, pclass=(k + 1) % 2))
        for k in range(5):
            assoc = b if k % 2 == 0 else a
            gt = ("4917288" + digits(5)) if (assoc is b and k == 2) else None
            calls.append(Call(assoc, "term", "49" + random.choice(["152", "171", "177"]) + digits(7),
                              MONITORED_A if k != 3 else MONITORED_B, imsi(), "TERMINATING",
                              calling_gt=gt, pclass=k % 2))

        unknown = [c for c in calls if c.kind == "unknown"]
        monitored = [c for c in calls if c.kind != "unknown"]

        # Phase 1: sequential unknown calls (6 of them)
        for c in unknown[:6]:
            c.send_idp()
            c.expect_first_answer()
        # Phase 2: interleaved: all monitored IDPs + the remaining unknown ones go out first,
        # then answers are claimed in a shuffled order, then the event reports are interleaved.
        batch = monitored + unknown[6:]
        random.shuffle(batch)
        for c in batch:
            c.send_idp()
        order = list(batch)
        random.shuffle(order)
        for c in order:
            c.expect_first_answer()
        random.shuffle(monitored)
        for c in monitored[:5]:
            c.send_answer()
        for c in monitored[:5]:
            c.send_disconnect()
        for c in reversed(monitored[:5]):
            c.expect_end()
        # the other five one after another
        for c in monitored[5:]:
            c.send_answer()
            c.send_disconnect()
            c.expect_end()
        for assoc in (a, b):
            check(not assoc.stash, "%s: unexpected extra answers %r" % (assoc.name,
                  [(d.hex(), r["kind"], r["tcap"].hex()) for d, r in assoc.stash]))
            if SCTP:
                # Our SLS runs over 1..15, so scpd's answers must not all share one stream.
                check(len(assoc.data_streams) > 1, "%s: scpd sent all DATA on stream(s) %r"
                      % (assoc.name, sorted(assoc.data_streams)))
                print("%s: scpd's DATA came on SCTP streams %s" % (assoc.name, sorted(assoc.data_streams)))

        # Events
        n_expected = len(calls) + 2 * len(monitored)

        def enough(evs):
            ours = [e for e in evs if e.get("kind") in ("TRIGGER", "ANSWERED", "DISCONNECTED")]
            return len(ours) >= n_expected

        events = ev.collect(enough, 10.0)
        seqs = [int(e["sequence"]) for e in events]
        check(all(x < y for x, y in zip(seqs, seqs[1:])), "events: sequences not strictly increasing: %r" % seqs)
        triggers = [e for e in events if e.get("kind") == "TRIGGER"]
        check(len(triggers) == len(calls), "events: %d TRIGGER events for %d calls (stderr of scpd events: %s)\n%s"
              % (len(triggers), len(calls), "".join(ev.err)[-500:], "\n".join(json.dumps(e) for e in events)))
        by_call_id = {}
        for c in calls:
            m = [e for e in triggers if e.get("imsi") == c.imsi]
            check(len(m) == 1, "events: %s (imsi %s) has %d TRIGGER events" % (c.label(), c.imsi, len(m)))
            e = m[0]
            check(e.get("protocol") == "CAMEL", "events: %s protocol %r" % (c.label(), e.get("protocol")), e)
            check(e.get("direction") == c.direction, "events: %s direction %r, expected %s"
                  % (c.label(), e.get("direction"), c.direction), e)
            check((e.get("calling_party") or {}).get("digits") == c.calling,
                  "events: %s calling digits %r, expected %s" % (c.label(), e.get("calling_party"), c.calling), e)
            check((e.get("called_party") or {}).get("digits") == c.called,
                  "events: %s called digits %r, expected %s" % (c.label(), e.get("called_party"), c.called), e)
            cid = e.get("call_id")
            check(cid and cid not in by_call_id, "events: %s call_id %r missing or reused" % (c.label(), cid), e)
            by_call_id[cid] = (c, e)
        for cid, (c, trig) in by_call_id.items():
            rest = [e for e in events if e.get("call_id") == cid and e.get("kind") in ("ANSWERED", "DISCONNECTED")]
            kinds = [e["kind"] for e in rest]
            other = [e.get("kind") for e in events if e.get("call_id") == cid
                     and e.get("kind") not in ("TRIGGER", "ANSWERED", "DISCONNECTED")]
            check(other == [], "events: %s call_id %s also has %r (aborted/timed out?)" % (c.label(), cid, other))
            if c.kind == "unknown":
                check(kinds == [], "events: unknown %s got call-state events %r" % (c.label(), kinds))
            else:
                check(kinds == ["ANSWERED", "DISCONNECTED"],
                      "events: %s call_id %s has %r, expected ANSWERED then DISCONNECTED" % (c.label(), cid, kinds))
                check(int(trig["sequence"]) < int(rest[0]["sequence"]) < int(rest[1]["sequence"]),
                      "events: %s sequences out of order" % c.label())
        stray = [e for e in events if e.get("kind") in ("ANSWERED", "DISCONNECTED") and e.get("call_id") not in by_call_id]
        check(not stray, "events: call-state events with unknown call_id: %r" % stray)

        # Clean shutdown
        for assoc in (a, b):
            assoc.close()
        ev.stop()
        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(10)
        except subprocess.TimeoutExpired:
            raise Fail("scpd did not exit within 10s of SIGTERM")
        check(rc == 0, "scpd exited %d after SIGTERM (expected 0)" % rc)
    finally:
        for assoc in state["assocs"]:
            assoc.close()
        if state["events"]:
            state["events"].stop()
        d = state["daemon"]
        if d is not None and d.poll() is None:
            d.kill()
            d.wait()
        log.close()


def main():
    global SCTP
    args = sys.argv[1:]
    if args and args[0] == "--sctp":
        SCTP = True
        args = args[1:]
        if not sctp.available():
            print("pycrate interop: --sctp needs kernel SCTP (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) failed)")
            return 2
    scpd = args[0] if args else "target/debug/scpd"
    scpd = os.path.abspath(scpd)
    seed = int(os.environ.get("INTEROP_SEED", str(int(time.time()))))
    random.seed(seed)
    if not os.access(scpd, os.X_OK):
        print("pycrate interop: scpd binary not found or not executable: %s" % scpd)
        print("pycrate interop: %d passed, 1 failed" % PASSED)
        return 2
    workdir = tempfile.mkdtemp(prefix="scpd-interop-")
    log_path = os.path.join(workdir, "scpd.stderr.log")
    t0 = time.time()
    try:
        scenario(scpd, workdir, log_path)
    except Exception as e:  # Fail or anything unexpected
        print("FAIL (seed %d): %s" % (seed, e))
        if not isinstance(e, Fail):
            traceback.print_exc()
        try:
            print("---- scpd stderr (last 200 lines) ----")
            print("".join(open(log_path).readlines()[-200:]))
        except OSError:
            pass
        print("pycrate interop: %d passed, 1 failed" % PASSED)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("(seed %d, %.1fs%s)" % (seed, time.time() - t0, ", M3UA over kernel SCTP" if SCTP else ""))
    print("pycrate interop: %d passed, 0 failed" % PASSED)
    return 0


if __name__ == "__main__":
    sys.exit(main())
