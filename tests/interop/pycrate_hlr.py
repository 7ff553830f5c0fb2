#!/usr/bin/env python3
"""Independent HLR built on pycrate, for scpd acting as a MAP client (gsmSCF, 3GPP TS 29.002).

Every layer it receives and every layer it sends (M3UA, SCCP, TCAP, MAP, TBCD / ISDN address
strings) is decoded and encoded by pycrate, never by scpd's code. Driven by tests/hlr_pycrate.rs:
scpd runs with `--m3ua-connect tcp://127.0.0.1:PORT` and asks this HLR for MSRNs
(SendRoutingInfo) and for subscriber location and state (AnyTimeInterrogation).

Usage: pycrate_hlr.py [--port P] [--pc 300] --subscribers FILE.json

  --port P       TCP port on 127.0.0.1 (default 0: a free one, printed first)
  --pc N         the HLR's / SG's point code (default 300): the DPC scpd must use
  --subscribers  behaviour per MSISDN (below)

Runs until killed (SIGTERM / SIGINT: exit status 0). Exit status 2 on a bad command line or
subscriber file (the reason on stderr). Diagnostics go to stderr, events to stdout.

Role and wire contract
----------------------
An M3UA SG over TCP (messages back to back, each delimited by the length in its header):
  ASPUP -> ASPUP ACK; ASPAC -> ASPAC ACK (Traffic Mode Type and Routing Context echoed when
  present) then NTFY (Status AS-State-Change / AS-Active, with the RC if any); BEAT -> BEAT ACK
  (heartbeat data echoed); ASPDN -> ASPDN ACK; ASPIA -> ASPIA ACK (RC echoed). M3UA ERR from
  scpd is a problem; any other message is logged (`"ignored": true`) and otherwise ignored.
  Several connections at once (scpd may reconnect) and several dialogues at once; one thread,
  `selectors` (pycrate's modules are singletons).
DATA: Protocol Data with SI 3, DPC = --pc (else a problem, still answered), OPC / NI / MP / SLS
  whatever comes; SCCP ITU UDT or unsegmented XUDT, class 0 or 1; called party SSN 6 (else a
  problem, still answered); TCAP ITU TC-BEGIN with otid, a dialogue portion (AARQ) and exactly
  one Invoke:
    SendRoutingInfo (22), AC locationInfoRetrievalContext v3 0.4.0.0.1.0.5.3 (decoded with
      pycrate_asn1dir.TCAP_MAP) or v2 0.4.0.0.1.0.5.2 (decoded with TCAP_MAPv2, GSM 09.02 phase
      2: its SendRoutingInfoArg has only msisdn [0], cug-CheckInfo [1], numberOfForwarding [2],
      networkSignalInfo [10], so v3 members sent in v2 make `arg_elements_ok` false);
    AnyTimeInterrogation (71), AC anyTimeInfoEnquiryContext v3 0.4.0.0.1.0.29.3.
  An AC of another version, or one that does not fit the opcode, gets TC-ABORT with an AARE
  refusing it (application-context-name-not-supported, proposing the AC this HLR speaks for the
  opcode) and a problem event. No dialogue portion (MAP v1) or another opcode: problem, no answer.
Answer: M3UA DATA with OPC/DPC swapped, the same NI, MP and SLS, SI 3, the Routing Context of the
  DATA echoed (or, if the DATA had none, the one the ASP activated with); SCCP UDT (also for an
  XUDT) with the received calling party as called party and the received called party (the GT it
  was sent to, SSN 6) as calling party, copied octet for octet, and the same protocol class
  octet (class and return-on-error); TCAP per the subscriber's behaviour:
    TC-END (dtid = scpd's otid) + AARE (result accepted (0), dialogue-service-user null (0), the
      received AC) + ReturnResultLast (opcode + result) or ReturnError (MAP error + parameter);
    TC-ABORT (dtid = scpd's otid) whose u-abortCause is an AARE (reject-permanent (1),
      dialogue-service-user application-context-name-not-supported (2), AC 0.4.0.0.1.0.5.2) for
      a v3 SendRoutingInfo to a "refuse_v3" subscriber;
    nothing for a "silent" subscriber (a TC-ABORT scpd may later send for it is an "abort" event,
      not a problem).
  Every TCAP message sent is decoded again with pycrate first (a failure is a problem event).
  A TC-ABORT from scpd is an "abort" event, and also a problem unless it ends a silent dialogue;
  TC-CONTINUE / TC-END / UNI from scpd are problems.

Behaviour file (--subscribers): a JSON object MSISDN digits -> behaviour:
  {"491700000001": {"imsi": "262011234567890", "msrn": "491739990001", "vmsc": "491720000001",
                    "location": {"mcc": "262", "mnc": "01", "lac": 4660, "cell_id": 22136,
                                 "age": 3, "vlr": "491720000001", "msc": "491720000001",
                                 "geo": {"lat": 52.52, "lon": 13.405, "uncertainty_code": 10}},
                    "state": "assumedIdle"},
   "491700000002": {"error": "unknownSubscriber"},
   "491700000004": {"silent": true},
   "491700000005": {"imsi": "...", "msrn": "...", "refuse_v3": true}}
  All members are optional; unknown members or values are rejected at start-up.
  - A MSISDN not in the file (or an ATI by IMSI that no entry has) -> unknownSubscriber.
  - "error": NAME -> ReturnError with the MAP local error code and the parameter pycrate's module
    declares for that error in the dialogue's version (none if it declares none): see ERRORS.
    v3 unknownSubscriber: {unknownSubscriberDiagnostic imsiUnknown}, v2: no parameter; v3
    absentSubscriber: {absentSubscriberReason [0] imsiDetach}, v2: mwd-Set FALSE (GSM 09.02
    phase 2 says mwd-Set "must be absent in version greater 1" and tshark calls it malformed, but
    TCAP_MAPv2 declares it); systemFailure networkResource hlr; callBarred callBarringCause
    barringServiceActive; the other v3 errors an empty SEQUENCE.
  - SRI success: v3 SendRoutingInfoRes ([3] SEQUENCE): imsi [9] (TBCD), extendedRoutingInfo ->
    routingInfo -> roamingNumber = "msrn", vmsc-Address [2] = "vmsc" (ISDN-AddressString:
    international, E.164). Without "msrn" no routing info is sent. v2: the untagged SEQUENCE
    {imsi, routingInfo roamingNumber}; both are mandatory there, so a v2 SRI to a subscriber
    without "imsi" and "msrn" gets systemFailure and a problem event.
  - ATI success: AnyTimeInterrogationRes {subscriberInfo {locationInformation, subscriberState}},
    each only if requested (requestedInfo locationInformation [0] / subscriberState [1]):
    locationInformation from "location": ageOfLocationInformation = age, geographicalInformation
    [0] = geo (TS 23.032 ellipsoid point with uncertainty circle, 8 octets), vlr-number [1] = vlr,
    cellGlobalIdOrServiceAreaIdOrLAI [3] = cellGlobalIdOrServiceAreaIdFixedLength [0] (MCC/MNC
    TBCD as TS 24.008 + LAC + CI, 7 octets) when cell_id is given, laiFixedLength [1] (5 octets)
    when only mcc/mnc/lac are, msc-Number [6] = msc, and currentLocationRetrieved [8] when
    currentLocation [3] was requested. subscriberState from "state": "assumedIdle" (default),
    "camelBusy", "notProvidedFromVLR" or "netDetNotReachable:msPurged|imsiDetached|
    restrictedArea|notRegistered".
  - "silent": true -> never answered. "refuse_v3": true -> see above (v3 SRI only; the v2 retry
    is answered normally, ATI is not affected).

Output (stdout): first line {"listening": PORT}, then one JSON object per line (flushed):
  {"event":"connection","conn":N,"state":"open"|"closed","peer":"127.0.0.1:P"}
  {"event":"asp","conn":N,"msg":"ASPUP"|"ASPAC"|"BEAT"|"ASPDN"|"ASPIA","rc":n|[n,...]|null}
      (ASPAC also "traffic_mode": n|null; other M3UA classes: msg = their name, "ignored": true)
  {"event":"request","conn":N,"op":"sri"|"ati","version":3|2,"ac":"0.4.0.0.1.0.5.3",
   "otid":"hex","invoke_id":n,"msisdn":"digits"|null,"imsi":"digits"|null,
   "arg":<pycrate to_jer JSON of the argument>|null,"arg_elements_ok":true|false,
   "sccp":{"type":"UDT"|"XUDT","class":n,"handling":n,
           "called":{"ri":"gt"|"ssn","gti":n,"tt":n|null,"np":n|null,"es":n|null,"nai":n|null,
                     "digits":"..."|null,"ssn":n|null,"pc":n|null},
           "calling":{...}},
   "m3ua":{"opc":n,"dpc":n,"si":n,"ni":n,"mp":n,"sls":n,"rc":n|null}}
  {"event":"answer","conn":N,"otid":"hex","op":"sri"|"ati","kind":"result"|"error"|"refuse"|
   "silent","error":"name"|null,"version":n}
  {"event":"abort","conn":N,"dtid":"hex","known":true|false,"reason":<JER>}
  {"event":"problem","conn":N|null,"reason":"...","hex":"..."|null}
  `arg_elements_ok` is true only if the argument is on the wire, pycrate decoded it with the
  operation's type, met no unknown element (_ext_ / _unk_) in it, and re-encoding what pycrate
  decoded gives the same element tree as the wire (so no member was silently dropped at any
  depth); when false a problem event says why.

pycrate traps handled here (see ../shared/PYCRATE-NOTES.md and map_pycrate.py):
- an argument whose tag does not fit the operation's type is dropped silently, and so is an
  unknown member of an extensible SEQUENCE at any depth (e.g. [100] in SendRoutingInfoArg or in
  its camelInfo), and a v2 argument carrying v3 members decodes as a raw '_unk_0116': all caught
  by re-encoding and comparing with the wire (arg_elements_ok);
- every result and error parameter is encoded with its own type and put into the component as
  a raw open-type value ("_unk_<class><constructed><tag>"), since pycrate resolves open types by
  type name and several v2 error parameters are anonymous;
- odd-length BCD global titles: get_addr() drops the filler; an SCCP party copied with
  `party.from_bytes(other.to_bytes())` (its Value alone cannot be, its Len bounds it);
- `M3UA_*()` messages come with default parameters: cleared before adding ours.
"""

import argparse
import json
import math
import selectors
import signal
import socket
import sys
import traceback

from pycrate_core.charpy import Charpy
from pycrate_asn1dir import TCAP_MAP, TCAP_MAPv2
import pycrate_mobile.M3UA as M3UA
import pycrate_mobile.SCCP as SCCP
from pycrate_mobile.TS24008_IE import BufBCD, PLMN
from pycrate_mobile.TS29002_MAPIE import AddressString

DIALOGUE_AS_ID = (0, 0, 17, 773, 1, 1, 1)
AC_SRI = (0, 4, 0, 0, 1, 0, 5)    # locationInfoRetrievalContext
AC_ATI = (0, 4, 0, 0, 1, 0, 29)   # anyTimeInfoEnquiryContext
OP_SRI, OP_ATI = 22, 71
OPS = {OP_SRI: ("sri", AC_SRI, (3, 2)), OP_ATI: ("ati", AC_ATI, (3,))}
SSN_HLR = 6

# name -> (MAP local error code, {version: parameter value}). The parameter goes out only if
# pycrate's module declares one for the code in that version (checked at start-up).
ERRORS = {
    "unknownSubscriber": (1, {3: {"unknownSubscriberDiagnostic": "imsiUnknown"}}),
    "absentSubscriber": (27, {3: {"absentSubscriberReason": "imsiDetach"}, 2: False}),
    "ati-NotAllowed": (49, {3: {}}),
    "systemFailure": (34, {3: ("networkResource", "hlr"), 2: "hlr"}),
    "dataMissing": (35, {3: {}}),
    "unexpectedDataValue": (36, {3: {}}),
    "facilityNotSupported": (21, {3: {}}),
    "callBarred": (13, {3: ("callBarringCause", "barringServiceActive"), 2: "barringServiceActive"}),
    "teleserviceNotProvisioned": (11, {3: {}}),
    "numberChanged": (44, {3: {}}),
    "busySubscriber": (45, {3: {}}),
    "noSubscriberReply": (46, {3: {}}),
    "forwardingViolation": (14, {3: {}}),
    "or-NotAllowed": (48, {3: {}}),
}

NOT_REACHABLE = ("msPurged", "imsiDetached", "restrictedArea", "notRegistered")
STATES = ("assumedIdle", "camelBusy", "notProvidedFromVLR")

M3UA_NAMES = {
    (0, 0): "ERR", (0, 1): "NTFY", (1, 1): "DATA", (2, 1): "DUNA", (2, 2): "DAVA", (2, 3): "DAUD",
    (2, 4): "SCON", (2, 5): "DUPU", (2, 6): "DRST", (3, 1): "ASPUP", (3, 2): "ASPDN",
    (3, 3): "BEAT", (3, 4): "ASPUP_ACK", (3, 5): "ASPDN_ACK", (3, 6): "BEAT_ACK", (4, 1): "ASPAC",
    (4, 2): "ASPIA", (4, 3): "ASPAC_ACK", (4, 4): "ASPIA_ACK", (9, 1): "REG_REQ",
    (9, 2): "REG_RSP", (9, 3): "DEREG_REQ", (9, 4): "DEREG_RSP",
}


class Problem(Exception):
    """Something scpd sent that this HLR could not decode or did not expect."""

    def __init__(self, reason, data=None):
        Exception.__init__(self, reason)
        self.reason, self.data = reason, data


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(msg):
    sys.stderr.write("pycrate_hlr: %s\n" % msg)
    sys.stderr.flush()


def problem(conn, reason, data=None):
    log("problem: %s" % reason)
    emit({"event": "problem", "conn": conn, "reason": reason,
          "hex": data.hex() if isinstance(data, (bytes, bytearray)) else None})


# --------------------------------------------------------------------------------------------
# BER element trees (own parser, to check what pycrate decoded)
# --------------------------------------------------------------------------------------------

def tlv(buf, i):
    """(start, constructed, contents start, contents end, next) of the element at `i`."""
    if i >= len(buf):
        raise ValueError("BER: element expected at offset %d" % i)
    first = buf[i]
    j = i + 1
    if first & 0x1F == 0x1F:
        while buf[j] & 0x80:
            j += 1
        j += 1
    cons = bool(first & 0x20)
    ln = buf[j]
    j += 1
    if ln == 0x80:
        k = j
        while buf[k:k + 2] != b"\x00\x00":
            k = tlv(buf, k)[4]
        return (i, cons, j, k, k + 2)
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(buf[j:j + n], "big")
        j += n
    if j + ln > len(buf):
        raise ValueError("BER: length %d at offset %d overruns the buffer" % (ln, i))
    return (i, cons, j, j + ln, j + ln)


def children(buf, start, end):
    out = []
    i = start
    while i < end:
        t = tlv(buf, i)
        out.append(t)
        i = t[4]
    return out


def _tag_octets(buf, i):
    j = i + 1
    if buf[i] & 0x1F == 0x1F:
        while buf[j] & 0x80:
            j += 1
        j += 1
    return bytes(buf[i:j])


def tree(buf, t=None):
    """Normalised element tree (tag octets, contents or children), length forms ignored."""
    if t is None:
        t = tlv(buf, 0)
        if t[4] != len(buf):
            raise ValueError("BER: %d trailing octets" % (len(buf) - t[4]))
    tag = _tag_octets(buf, t[0])
    if t[1]:
        return (tag, [tree(buf, c) for c in children(buf, t[2], t[3])])
    return (tag, bytes(buf[t[2]:t[3]]))


def unknown_names(v, path=""):
    """Paths of _ext_ / _unk_ members pycrate kept in a decoded value (elements it did not know)."""
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(k, str) and (k.startswith("_ext_") or k.startswith("_unk_")):
                out.append(path + "." + k)
            out += unknown_names(x, path + "." + str(k))
    elif isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
        if v[0].startswith("_ext_") or v[0].startswith("_unk_"):
            out.append(path + "." + v[0])
        out += unknown_names(v[1], path + "." + v[0])
    elif isinstance(v, list):
        for n, x in enumerate(v):
            out += unknown_names(x, "%s[%d]" % (path, n))
    return out


# --------------------------------------------------------------------------------------------
# Numbers (pycrate_mobile)
# --------------------------------------------------------------------------------------------

def address_string(digits):
    """ISDN-AddressString: international number, E.164, TBCD digits."""
    a = AddressString()
    a.set_val({"Ext": 1, "NumType": 1, "NumPlan": 1})
    a["Num"].get_alt().encode(digits)
    return a.to_bytes()


def address_digits(buf):
    a = AddressString()
    a.from_bytes(buf)
    return a["Num"].get_alt().decode()


def tbcd(digits):
    b = BufBCD("imsi")
    b.encode(digits)
    return b.to_bytes()


def tbcd_digits(buf):
    b = BufBCD("imsi")
    b.from_bytes(buf)
    return b.decode()


def plmn(mcc, mnc):
    p = PLMN()
    p.encode(mcc + mnc)
    return p.to_bytes()


def cell_or_lai(loc):
    """cellGlobalIdOrServiceAreaIdOrLAI: CGI fixed length (7 octets) or LAI (5 octets)."""
    lai = plmn(loc["mcc"], loc["mnc"]) + int(loc["lac"]).to_bytes(2, "big")
    if "cell_id" in loc:
        return ("cellGlobalIdOrServiceAreaIdFixedLength", lai + int(loc["cell_id"]).to_bytes(2, "big"))
    return ("laiFixedLength", lai)


def geographical_information(geo):
    """TS 23.032 ellipsoid point with uncertainty circle (TS 29.002 GeographicalInformation)."""
    lat, lon, k = float(geo["lat"]), float(geo["lon"]), int(geo["uncertainty_code"])
    n = min(int(math.floor(abs(lat) / 90.0 * (1 << 23))), (1 << 23) - 1)
    if lat < 0:
        n |= 1 << 23
    m = int(math.floor(lon / 360.0 * (1 << 24)))
    m = max(-(1 << 23), min(m, (1 << 23) - 1)) & 0xFFFFFF
    return bytes([0x10]) + n.to_bytes(3, "big") + m.to_bytes(3, "big") + bytes([k & 0x7F])


# --------------------------------------------------------------------------------------------
# Behaviour file
# --------------------------------------------------------------------------------------------

def _digits(v, what, lo=1, hi=20):
    if not isinstance(v, str) or not v.isdigit() or not lo <= len(v) <= hi:
        raise ValueError("%s: %r is not a string of %d..%d digits" % (what, v, lo, hi))


def _int(v, what, lo, hi):
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise ValueError("%s: %r is not an integer in %d..%d" % (what, v, lo, hi))


def load_subscribers(path):
    with open(path) as f:
        subs = json.load(f)
    if not isinstance(subs, dict):
        raise ValueError("the subscriber file must hold a JSON object MSISDN -> behaviour")
    for msisdn, b in subs.items():
        _digits(msisdn, "MSISDN")
        w = "subscriber %s" % msisdn
        if not isinstance(b, dict):
            raise ValueError("%s: behaviour must be an object" % w)
        extra = set(b) - {"imsi", "msrn", "vmsc", "location", "state", "error", "silent", "refuse_v3"}
        if extra:
            raise ValueError("%s: unknown members %s" % (w, sorted(extra)))
        if "imsi" in b:
            _digits(b["imsi"], w + " imsi", 5, 15)
        for k in ("msrn", "vmsc"):
            if k in b:
                _digits(b[k], "%s %s" % (w, k))
        if "error" in b and b["error"] not in ERRORS:
            raise ValueError("%s: unknown error %r (known: %s)" % (w, b["error"], ", ".join(ERRORS)))
        for k in ("silent", "refuse_v3"):
            if k in b and not isinstance(b[k], bool):
                raise ValueError("%s: %s must be true or false" % (w, k))
        if "state" in b:
            st = b["state"]
            ok = st in STATES or (isinstance(st, str) and st.startswith("netDetNotReachable:")
                                  and st.split(":", 1)[1] in NOT_REACHABLE)
            if not ok:
                raise ValueError("%s: state %r (known: %s, netDetNotReachable:%s)"
                                 % (w, st, ", ".join(STATES), "|".join(NOT_REACHABLE)))
        loc = b.get("location")
        if loc is not None:
            if not isinstance(loc, dict):
                raise ValueError("%s: location must be an object" % w)
            extra = set(loc) - {"mcc", "mnc", "lac", "cell_id", "age", "vlr", "msc", "geo"}
            if extra:
                raise ValueError("%s: unknown location members %s" % (w, sorted(extra)))
            if any(k in loc for k in ("mcc", "mnc", "lac", "cell_id")):
                for k in ("mcc", "mnc", "lac"):
                    if k not in loc:
                        raise ValueError("%s: location needs mcc, mnc and lac together" % w)
                _digits(loc["mcc"], w + " mcc", 3, 3)
                _digits(loc["mnc"], w + " mnc", 2, 3)
                _int(loc["lac"], w + " lac", 0, 0xFFFF)
                if "cell_id" in loc:
                    _int(loc["cell_id"], w + " cell_id", 0, 0xFFFF)
            if "age" in loc:
                _int(loc["age"], w + " age", 0, 32767)
            for k in ("vlr", "msc"):
                if k in loc:
                    _digits(loc[k], "%s %s" % (w, k))
            if "geo" in loc:
                g = loc["geo"]
                if not isinstance(g, dict) or set(g) != {"lat", "lon", "uncertainty_code"}:
                    raise ValueError("%s: geo must be {lat, lon, uncertainty_code}" % w)
                for k, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
                    if not isinstance(g[k], (int, float)) or isinstance(g[k], bool) or not lo <= g[k] <= hi:
                        raise ValueError("%s: geo %s %r out of %d..%d" % (w, k, g[k], lo, hi))
                _int(g["uncertainty_code"], w + " uncertainty_code", 0, 127)
    return subs


# --------------------------------------------------------------------------------------------
# MAP (pycrate_asn1dir.TCAP_MAP = v3, TCAP_MAPv2 = GSM 09.02 phase 2)
# --------------------------------------------------------------------------------------------

class Module:
    """One MAP version: its TCAP message type and the operation, result and error types."""

    def __init__(self, mod, version):
        self.version = version
        self.msg = mod.TCAP_MAP_Messages.TCAP_MAP_Message
        ros = self.msg._cont["end"]._cont["components"]._cont._cont["basicROS"]
        self.args, self.results = {}, {}
        for r in ros._cont["invoke"]._cont["argument"]._const_tab._val.root:
            code = r["operationCode"][1]
            self.args[code] = r.get("ArgumentType")
            self.results[code] = r.get("ResultType")
        self.errors = {r["errorCode"][1]: r.get("ParameterType")
                       for r in ros._cont["returnError"]._cont["parameter"]._const_tab._val.root}

    def decode(self, buf):
        """(value, JER as JSON) of a whole TCAP message; every octet must be consumed."""
        ch = Charpy(buf)
        self.msg.from_ber(ch)
        if ch._cur != len(buf) * 8:
            raise ValueError("pycrate consumed %d of %d octets" % (ch._cur // 8, len(buf)))
        return self.msg.get_val(), json.loads(self.msg.to_jer())

    def encode(self, val):
        self.msg.set_val(val)
        return self.msg.to_ber()

    def raw(self, t, v):
        """`v` encoded with its own type `t`, as a raw open-type value for a component."""
        t.set_val(v)
        b = t.to_ber()
        _, cons, start, end, _ = tlv(b, 0)
        return ("_unk_%d%d%d" % (b[0] >> 6, int(cons), b[0] & 0x1F), b[start:end])


MODULES = {3: Module(TCAP_MAP, 3), 2: Module(TCAP_MAPv2, 2)}


def check_error_table():
    """Every parameter a module declares has a value in ERRORS (and no value goes unused)."""
    for name, (code, vals) in ERRORS.items():
        for version, mod in MODULES.items():
            declared = mod.errors.get(code) is not None
            if declared != (version in vals):
                raise RuntimeError("ERRORS[%s] v%d: pycrate %s a parameter" %
                                   (name, version, "declares" if declared else "declares no"))
            if declared:
                mod.raw(mod.errors[code], vals[version])  # encodable


def ac_str(ac):
    return ".".join(str(x) for x in ac)


def aare(ac, result=0, diagnostic=0):
    return {"direct-reference": DIALOGUE_AS_ID,
            "encoding": ("single-ASN1-type", ("DialoguePDU", ("dialogueResponse", {
                "protocol-version": (1, 1), "application-context-name": tuple(ac),
                "result": result, "result-source-diagnostic": ("dialogue-service-user", diagnostic)})))}


def tc_end_result(mod, otid, ac, iid, op, value):
    raw = mod.raw(mod.results[op], value)
    return ("end", {"dtid": otid, "dialoguePortion": aare(ac), "components": [
        ("basicROS", ("returnResult", {"invokeId": ("present", iid),
                                       "result": {"opcode": ("local", op), "result": raw}}))]})


def tc_end_error(mod, otid, ac, iid, code, value):
    err = {"invokeId": ("present", iid), "errcode": ("local", code)}
    if mod.errors.get(code) is not None:
        err["parameter"] = mod.raw(mod.errors[code], value)
    return ("end", {"dtid": otid, "dialoguePortion": aare(ac),
                    "components": [("basicROS", ("returnError", err))]})


def tc_abort_refuse(otid, proposed_ac):
    """TC-U-ABORT with an AARE: reject-permanent, application-context-name-not-supported."""
    return ("abort", {"dtid": otid, "reason": ("u-abortCause", aare(proposed_ac, 1, 2))})


def self_check(mod, buf, kind):
    """Decode what we are about to send; the result or parameter must come back as sent."""
    val, _ = mod.decode(buf)
    if val[0] != kind:
        raise ValueError("self-check: sent TC-%s, decoded TC-%s" % (kind, val[0]))
    body = val[1]
    if kind == "abort":
        return
    comp = body["components"][0][1]
    on_wire = value_on_wire(buf)
    if comp[0] == "returnResult":
        got = comp[1].get("result", {}).get("result")
    else:
        got = comp[1].get("parameter")
    if (got is not None) != on_wire or (got is not None and str(got[0]).startswith("_unk")):
        raise ValueError("self-check: pycrate does not decode our own %s: %r" % (comp[0], got))


def value_on_wire(buf):
    """Whether the single component of a TC message carries a result / parameter."""
    msg = tlv(buf, 0)
    for c in children(buf, msg[2], msg[3]):
        if buf[c[0]] == 0x6C:
            comp = children(buf, c[2], c[3])[0]
            elems = children(buf, comp[2], comp[3])
            if buf[comp[0]] == 0xA2:
                return len(elems) >= 2 and len(children(buf, elems[1][2], elems[1][3])) == 2
            return len(elems) == 3
    return False


def begin_invoke_elements(buf):
    """Wire elements of the single Invoke of a TC-BEGIN: (opcode TLV, argument TLV or None)."""
    msg = tlv(buf, 0)
    portions = [c for c in children(buf, msg[2], msg[3]) if buf[c[0]] == 0x6C]
    if len(portions) != 1:
        raise Problem("TCAP: TC-BEGIN has %d component portions (want 1)" % len(portions), buf)
    comps = children(buf, portions[0][2], portions[0][3])
    if len(comps) != 1:
        raise Problem("TCAP: TC-BEGIN has %d components (want exactly one Invoke)" % len(comps), buf)
    comp = comps[0]
    if buf[comp[0]] != 0xA1:
        raise Problem("TCAP: the component is not an Invoke (tag %02x)" % buf[comp[0]], buf)
    elems = children(buf, comp[2], comp[3])[1:]  # after invokeId
    while elems and buf[elems[0][0]] & 0xC0 == 0x80:  # linkedId
        elems = elems[1:]
    if not elems:
        raise Problem("TCAP: Invoke without opcode", buf)
    if len(elems) > 2:
        raise Problem("TCAP: Invoke has %d elements after its opcode" % (len(elems) - 1), buf)
    return elems[0], (elems[1] if len(elems) == 2 else None)


def dialogue_ac(body):
    dp = body.get("dialoguePortion")
    if dp is None:
        return None, "no dialogue portion (MAP v1 is not supported)"
    if tuple(dp.get("direct-reference", ())) != DIALOGUE_AS_ID:
        return None, "dialogue portion direct-reference %r" % (dp.get("direct-reference"),)
    enc = dp.get("encoding")
    try:
        kind, (tname, (pdu, aarq)) = enc
    except (TypeError, ValueError):
        return None, "dialogue portion encoding %r" % (enc,)
    if kind != "single-ASN1-type" or pdu != "dialogueRequest":
        return None, "dialogue portion is not an AARQ: %r" % (enc,)
    return tuple(aarq["application-context-name"]), None


def decode_with(mod, buf):
    try:
        return mod.decode(buf)
    except Exception as e:  # noqa: BLE001 - pycrate raises many kinds
        raise Problem("TCAP: pycrate (TCAP_MAP%s) cannot decode the message: %s"
                      % ("" if mod.version == 3 else "v%d" % mod.version, e), buf)


def the_invoke(body, buf):
    comps = body.get("components") or []
    if len(comps) != 1 or comps[0][0] != "basicROS" or comps[0][1][0] != "invoke":
        raise Problem("TCAP: expected one Invoke, pycrate decoded %r" % (comps,), buf)
    return comps[0][1][1]


def argument_problems(mod, op, arg, arg_tlv, buf):
    """Why pycrate did not understand every element of an Invoke's argument ([] if it did)."""
    if arg_tlv is None:
        return ["the Invoke carries no argument"]
    if arg is None:
        return ["the argument is on the wire but pycrate decoded none (wrong tag for the "
                "operation in MAP v%d?)" % mod.version]
    if str(arg[0]).startswith("_unk"):
        return ["pycrate did not recognise the argument type: %r" % (arg[0],)]
    bad = []
    unk = unknown_names(arg[1])
    if unk:
        bad.append("pycrate met unknown elements %s" % ", ".join(unk))
    t = mod.args[op]
    t.set_val(arg[1])
    again = t.to_ber()
    wire = bytes(buf[arg_tlv[0]:arg_tlv[4]])
    # compare the contents: the outer tag is the operation's, checked by pycrate already
    if tree(again)[1] != tree(wire)[1]:
        bad.append("re-encoding what pycrate decoded differs from the wire (an element was "
                   "dropped or altered): wire %s, pycrate %s" % (wire.hex(), again.hex()))
    return bad


# --------------------------------------------------------------------------------------------
# SCCP (pycrate_mobile.SCCP)
# --------------------------------------------------------------------------------------------

def sccp_addr_summary(party):
    v = party["Value"]
    ai = v["AddrInd"]
    gti = ai["GTInd"].get_val()
    out = {"ri": "ssn" if ai["RoutingInd"].get_val() else "gt", "gti": gti, "tt": None, "np": None,
           "es": None, "nai": None, "digits": None,
           "ssn": v["SSN"].get_val() if ai["SSNInd"].get_val() else None,
           "pc": (v["PC"].get_val() & 0x3FFF) if ai["PCInd"].get_val() else None}
    if gti:
        gt = v["GT"].get_alt()
        names = gt._by_name
        for key, field in (("tt", "TranslationType"), ("np", "NumberingPlan"),
                           ("es", "EncodingScheme"), ("nai", "NAI")):
            if field in names:
                out[key] = gt[field].get_val()
        if hasattr(gt, "get_addr"):
            out["digits"] = gt.get_addr()
    return out


def sccp_answer(sc, data):
    u = SCCP.SCCPUnitData()
    u["CalledPartyAddr"].from_bytes(sc["CallingPartyAddr"].to_bytes())
    u["CallingPartyAddr"].from_bytes(sc["CalledPartyAddr"].to_bytes())
    u["ProtocolClass"].set_val(sc["ProtocolClass"].get_val())
    u["Data"]["Value"].set_val(data)
    return u.to_bytes()


# --------------------------------------------------------------------------------------------
# M3UA (pycrate_mobile.M3UA)
# --------------------------------------------------------------------------------------------

def m3ua_param(tag, val):
    p = M3UA.Param()
    p.set_val({"Tag": tag, "Val": val})
    return p


def m3ua_msg(cls, params):
    m = cls()
    m[1].clear()
    for tag, val in params:
        m[1].append(m3ua_param(tag, val))
    return m.to_bytes()


def m3ua_params(msg):
    return {int(p[0].get_val()): p[2].get_val() for p in msg[1]}


# --------------------------------------------------------------------------------------------
# The HLR
# --------------------------------------------------------------------------------------------

class Hlr:
    def __init__(self, subs, pc):
        self.subs, self.pc = subs, pc
        self.silent = set()     # otids (bytes) of dialogues never answered

    def subscriber(self, msisdn=None, imsi=None):
        if msisdn is not None:
            return self.subs.get(msisdn)
        for b in self.subs.values():
            if b.get("imsi") == imsi:
                return b
        return None

    # -- TCAP ---------------------------------------------------------------------------------
    def on_tcap(self, conn, buf, ctx):
        """Handle one TCAP message; returns the TCAP answer (bytes) or None."""
        try:
            tlv(buf, 0)
        except (ValueError, IndexError) as e:
            raise Problem("TCAP: not BER (%s)" % e, buf)
        if buf[0] == 0x67:
            return self.on_abort(conn, buf)
        if buf[0] != 0x62:
            raise Problem("TCAP: expected TC-BEGIN, got message tag %02x" % buf[0], buf)
        val, jer = decode_with(MODULES[3], buf)
        body = val[1]
        otid = body.get("otid")
        if otid is None:
            raise Problem("TCAP: TC-BEGIN without otid", buf)
        ac, why = dialogue_ac(body)
        _, arg_tlv = begin_invoke_elements(buf)
        inv = the_invoke(body, buf)
        if inv["opcode"][0] != "local" or inv["opcode"][1] not in OPS:
            raise Problem("MAP: opcode %r is neither SendRoutingInfo (22) nor AnyTimeInterrogation (71)"
                          % (inv["opcode"],), buf)
        op = inv["opcode"][1]
        opname, family, versions = OPS[op]
        if ac is None:
            raise Problem("TCAP: %s" % why, buf)
        version = ac[-1]
        if ac[:-1] != family or version not in versions:
            problem(conn, "TCAP: AC %s does not fit %s (this HLR speaks %s); refused with TC-ABORT"
                    % (ac_str(ac), opname, ", ".join(ac_str(family + (v,)) for v in versions)), buf)
            out = MODULES[3].encode(tc_abort_refuse(otid, family + (versions[0],)))
            self_check(MODULES[3], out, "abort")
            emit({"event": "answer", "conn": conn, "otid": otid.hex(), "op": opname, "kind": "refuse",
                  "error": None, "version": version})
            return out
        mod = MODULES[version]
        if version != 3:
            val, jer = decode_with(mod, buf)
            inv = the_invoke(val[1], buf)
        iid = inv["invokeId"][1] if inv["invokeId"][0] == "present" else None
        arg = inv.get("argument")
        bad = argument_problems(mod, op, arg, arg_tlv, buf)
        a = arg[1] if arg is not None and isinstance(arg[1], dict) else {}
        msisdn = imsi = None
        try:
            if op == OP_SRI and "msisdn" in a:
                msisdn = address_digits(a["msisdn"])
            elif op == OP_ATI and "subscriberIdentity" in a:
                kind, ident = a["subscriberIdentity"]
                if kind == "msisdn":
                    msisdn = address_digits(ident)
                else:
                    imsi = tbcd_digits(ident)
        except Exception as e:  # noqa: BLE001 - pycrate raises many kinds
            bad.append("subscriber identity not decodable: %s" % e)
        emit({"event": "request", "conn": conn, "op": opname, "version": version, "ac": ac_str(ac),
              "otid": otid.hex(), "invoke_id": iid, "msisdn": msisdn, "imsi": imsi,
              "arg": jer["begin"]["components"][0]["basicROS"]["invoke"].get("argument"),
              "arg_elements_ok": not bad, "sccp": ctx["sccp"], "m3ua": ctx["m3ua"]})
        for b in bad:
            problem(conn, "MAP %s v%d otid %s: %s" % (opname, version, otid.hex(), b), buf)
        if iid is None:
            raise Problem("TCAP: Invoke without a present invokeId; not answered", buf)
        if msisdn is None and imsi is None:
            raise Problem("MAP %s: no subscriber identity in the argument; not answered" % opname, buf)

        answer, kind, err = self.decide(conn, op, version, self.subscriber(msisdn, imsi), a, buf)
        out = None
        if kind == "silent":
            self.silent.add(otid)
        elif kind == "refuse":
            out = MODULES[3].encode(tc_abort_refuse(otid, AC_SRI + (2,)))
            self_check(MODULES[3], out, "abort")
        elif kind == "result":
            out = mod.encode(tc_end_result(mod, otid, ac, iid, op, answer))
            self_check(mod, out, "end")
        else:
            code, params = ERRORS[err]
            out = mod.encode(tc_end_error(mod, otid, ac, iid, code, params.get(version)))
            self_check(mod, out, "end")
        emit({"event": "answer", "conn": conn, "otid": otid.hex(), "op": opname, "kind": kind,
              "error": err, "version": version})
        return out

    def decide(self, conn, op, version, sub, a, buf):
        """(result value, kind, error name) for one request."""
        if sub is None:
            return None, "error", "unknownSubscriber"
        if sub.get("silent"):
            return None, "silent", None
        if op == OP_SRI and version == 3 and sub.get("refuse_v3"):
            return None, "refuse", None
        if "error" in sub:
            return None, "error", sub["error"]
        if op == OP_SRI:
            if version == 3:
                res = {}
                if "imsi" in sub:
                    res["imsi"] = tbcd(sub["imsi"])
                if "msrn" in sub:
                    res["extendedRoutingInfo"] = ("routingInfo", ("roamingNumber", address_string(sub["msrn"])))
                if "vmsc" in sub:
                    res["vmsc-Address"] = address_string(sub["vmsc"])
                return res, "result", None
            if "imsi" not in sub or "msrn" not in sub:
                problem(conn, "v2 SendRoutingInfoRes needs imsi and msrn: the subscriber file has "
                        "none; answered systemFailure", buf)
                return None, "error", "systemFailure"
            return {"imsi": tbcd(sub["imsi"]),
                    "routingInfo": ("roamingNumber", address_string(sub["msrn"]))}, "result", None
        # AnyTimeInterrogation
        req = a.get("requestedInfo", {})
        info = {}
        loc = sub.get("location")
        if "locationInformation" in req and loc is not None:
            li = {}
            if "age" in loc:
                li["ageOfLocationInformation"] = loc["age"]
            if "geo" in loc:
                li["geographicalInformation"] = geographical_information(loc["geo"])
            if "vlr" in loc:
                li["vlr-number"] = address_string(loc["vlr"])
            if "mcc" in loc:
                li["cellGlobalIdOrServiceAreaIdOrLAI"] = cell_or_lai(loc)
            if "msc" in loc:
                li["msc-Number"] = address_string(loc["msc"])
            if "currentLocation" in req:
                li["currentLocationRetrieved"] = 0
            info["locationInformation"] = li
        if "subscriberState" in req:
            st = sub.get("state", "assumedIdle")
            if st.startswith("netDetNotReachable:"):
                info["subscriberState"] = ("netDetNotReachable", st.split(":", 1)[1])
            else:
                info["subscriberState"] = (st, 0)
        return {"subscriberInfo": info}, "result", None

    def on_abort(self, conn, buf):
        try:
            val, jer = MODULES[3].decode(buf)
        except Exception as e:  # noqa: BLE001
            raise Problem("TCAP: pycrate cannot decode the TC-ABORT: %s" % e, buf)
        dtid = val[1].get("dtid")
        known = dtid in self.silent
        emit({"event": "abort", "conn": conn, "dtid": dtid.hex() if dtid else None, "known": known,
              "reason": jer["abort"].get("reason")})
        if known:
            self.silent.discard(dtid)
        else:
            problem(conn, "TCAP: TC-ABORT for dialogue %s, which is not a pending (silent) one"
                    % (dtid.hex() if dtid else None), buf)
        return None


# --------------------------------------------------------------------------------------------
# M3UA connections
# --------------------------------------------------------------------------------------------

class Conn:
    def __init__(self, hlr, sock, peer, cid):
        self.hlr, self.sock, self.cid = hlr, sock, cid
        self.peer = "%s:%d" % peer
        self.buf = b""
        self.state = "down"   # down | inactive | active
        self.rc = None        # routing contexts the ASP activated with
        emit({"event": "connection", "conn": cid, "state": "open", "peer": self.peer})

    def send(self, b):
        self.sock.sendall(b)

    def on_readable(self):
        """False when the connection is closed."""
        try:
            chunk = self.sock.recv(65536)
        except OSError as e:
            log("conn %d: %s" % (self.cid, e))
            chunk = b""
        if not chunk:
            emit({"event": "connection", "conn": self.cid, "state": "closed", "peer": self.peer})
            if self.buf:
                problem(self.cid, "connection closed inside an M3UA message", self.buf)
            return False
        self.buf += chunk
        while len(self.buf) >= 8:
            ln = int.from_bytes(self.buf[4:8], "big")
            if ln < 8 or ln % 4:
                problem(self.cid, "M3UA length %d: cannot delimit messages, closing" % ln, self.buf[:64])
                emit({"event": "connection", "conn": self.cid, "state": "closed", "peer": self.peer})
                return False
            if len(self.buf) < ln:
                break
            raw, self.buf = self.buf[:ln], self.buf[ln:]
            try:
                self.on_message(raw)
            except Problem as p:
                problem(self.cid, p.reason, p.data if p.data is not None else raw)
            except OSError:
                raise
            except Exception as e:  # noqa: BLE001 - report and keep serving
                problem(self.cid, "internal error %s: %s" % (type(e).__name__, traceback.format_exc()), raw)
        return True

    def on_message(self, raw):
        msg, err = M3UA.parse_M3UA(raw)
        if msg is None or err:
            raise Problem("M3UA: pycrate cannot parse the message (err %r)" % err, raw)
        cls, typ = msg[0]["Class"].get_val(), msg[0]["Type"].get_val()
        name = M3UA_NAMES.get((cls, typ), "%d/%d" % (cls, typ))
        prm = m3ua_params(msg)
        T = M3UA.M3UATag
        rc = prm.get(T.RoutingContext)
        rc_ev = (rc[0] if len(rc) == 1 else list(rc)) if rc else None
        if (cls, typ) == (1, 1):
            return self.on_data(prm, raw)
        if (cls, typ) == (3, 1):
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": None})
            self.state = "inactive"
            self.send(m3ua_msg(M3UA.M3UA_ASPUpAck, []))
        elif (cls, typ) == (3, 2):
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": None})
            self.state = "down"
            self.send(m3ua_msg(M3UA.M3UA_ASPDownAck, []))
        elif (cls, typ) == (3, 3):
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": None})
            hb = [(T.HeartbeatData, prm[T.HeartbeatData])] if T.HeartbeatData in prm else []
            self.send(m3ua_msg(M3UA.M3UA_BEATAck, hb))
        elif (cls, typ) == (4, 1):
            tmt = prm.get(T.TrafficModeType)
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": rc_ev, "traffic_mode": tmt})
            if self.state == "down":
                problem(self.cid, "M3UA: ASPAC before ASPUP", raw)
            self.state = "active"
            self.rc = list(rc) if rc else None
            ack = []
            if tmt is not None:
                ack.append((T.TrafficModeType, tmt))
            if rc:
                ack.append((T.RoutingContext, list(rc)))
            self.send(m3ua_msg(M3UA.M3UA_ASPActAck, ack))
            ntfy = [(T.Status, [1, 3])]  # AS-State-Change, AS-Active
            if rc:
                ntfy.append((T.RoutingContext, list(rc)))
            self.send(m3ua_msg(M3UA.M3UA_NTFY, ntfy))
        elif (cls, typ) == (4, 2):
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": rc_ev})
            self.state = "inactive"
            self.send(m3ua_msg(M3UA.M3UA_ASPInactAck, [(T.RoutingContext, list(rc))] if rc else []))
        elif (cls, typ) == (0, 0):
            raise Problem("M3UA: scpd sent ERR (error code %r, diagnostic %r)"
                          % (prm.get(T.ErrorCode), prm.get(T.DiagnosticInfo)), raw)
        else:
            emit({"event": "asp", "conn": self.cid, "msg": name, "rc": rc_ev, "ignored": True})
            log("conn %d: ignored M3UA %s %s" % (self.cid, name, raw.hex()))

    def on_data(self, prm, raw):
        T = M3UA.M3UATag
        if T.ProtocolData not in prm:
            raise Problem("M3UA: DATA without Protocol Data", raw)
        if self.state != "active":
            problem(self.cid, "M3UA: DATA while the ASP is %s (processed anyway)" % self.state, raw)
        opc, dpc, si, ni, mp, sls, data = prm[T.ProtocolData]
        rc = prm.get(T.RoutingContext)
        if rc is not None and len(rc) != 1:
            raise Problem("M3UA: DATA with %d routing contexts" % len(rc), raw)
        if rc is not None and self.rc is not None and rc[0] not in self.rc:
            problem(self.cid, "M3UA: DATA routing context %d, the ASP activated with %r" % (rc[0], self.rc), raw)
        if si != 3:
            raise Problem("M3UA: DATA with SI %d (SCCP is 3)" % si, raw)
        if dpc != self.hlr.pc:
            problem(self.cid, "M3UA: DATA for DPC %d, this HLR is %d (answered anyway)" % (dpc, self.hlr.pc), raw)
        m3 = {"opc": opc, "dpc": dpc, "si": si, "ni": ni, "mp": mp, "sls": sls,
              "rc": rc[0] if rc else None}

        sc, err = SCCP.parse_SCCP(data, w_scmg=False)
        if sc is None or err:
            raise Problem("SCCP: pycrate cannot parse the message (err %r)" % err, data)
        styp = sc["Type"].get_val()
        if styp not in (9, 17):
            raise Problem("SCCP: message type %d (expected UDT 9 or XUDT 17)" % styp, data)
        if styp == 17 and not sc["Opt"]["Segmentation"].get_trans():
            seg = sc["Opt"]["Segmentation"]["Segmentation"]
            if seg["F"].get_val() != 1 or seg["RemainingSeg"].get_val() != 0:
                raise Problem("SCCP: segmented XUDT (not supported by this HLR)", data)
        pcls = sc["ProtocolClass"]["Class"].get_val()
        handling = sc["ProtocolClass"]["Handling"].get_val()
        if pcls not in (0, 1):
            raise Problem("SCCP: protocol class %d" % pcls, data)
        called = sccp_addr_summary(sc["CalledPartyAddr"])
        calling = sccp_addr_summary(sc["CallingPartyAddr"])
        if called["ssn"] != SSN_HLR:
            problem(self.cid, "SCCP: called party SSN %r (the HLR is %d; answered anyway)"
                    % (called["ssn"], SSN_HLR), data)
        ud = sc["Data"]["Value"].get_val()
        ctx = {"sccp": {"type": "UDT" if styp == 9 else "XUDT", "class": pcls, "handling": handling,
                        "called": called, "calling": calling},
               "m3ua": m3}
        tc = self.hlr.on_tcap(self.cid, ud, ctx)
        if tc is None:
            return
        params = []
        out_rc = [rc[0]] if rc else (self.rc[:1] if self.rc else None)
        if out_rc:
            params.append((T.RoutingContext, out_rc))
        params.append((T.ProtocolData, {"OPC": dpc, "DPC": opc, "SI": 3, "NI": ni, "MP": mp,
                                        "SLS": sls, "Data": sccp_answer(sc, tc)}))
        self.send(m3ua_msg(M3UA.M3UA_DATA, params))


# --------------------------------------------------------------------------------------------
# Main loop
# --------------------------------------------------------------------------------------------

def serve(hlr, port):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(16)
    emit({"listening": lsock.getsockname()[1]})
    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ, None)
    next_id = 1
    while True:
        for key, _ in sel.select():
            if key.data is None:
                sock, peer = lsock.accept()
                sock.setblocking(True)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(sock, selectors.EVENT_READ, Conn(hlr, sock, peer, next_id))
                next_id += 1
                continue
            conn = key.data
            try:
                alive = conn.on_readable()
            except OSError as e:
                log("conn %d: %s" % (conn.cid, e))
                emit({"event": "connection", "conn": conn.cid, "state": "closed", "peer": conn.peer})
                alive = False
            if not alive:
                sel.unregister(conn.sock)
                conn.sock.close()


def main():
    ap = argparse.ArgumentParser(description="Independent pycrate HLR (M3UA SG over TCP) for scpd.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--pc", type=int, default=300)
    ap.add_argument("--subscribers", required=True)
    args = ap.parse_args()
    try:
        subs = load_subscribers(args.subscribers)
    except (OSError, ValueError) as e:
        log("bad subscriber file %s: %s" % (args.subscribers, e))
        return 2
    check_error_table()

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        serve(Hlr(subs, args.pc), args.port)
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
