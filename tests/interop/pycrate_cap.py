#!/usr/bin/env python3
"""Differential oracle for scpd's CAP argument codecs (src/camel): pycrate's TCAP_CAP module
(CAP v4 ASN.1, TS 29.078) decodes what scpd encodes and encodes what scpd must decode.

Driven by tests/cap_pycrate.rs. Each CAP value travels as one TC-CONTINUE with one component
(an Invoke with its argument, or a ReturnError with its parameter) and is described by the
JSON (X.697 JER, as pycrate's `to_jer` writes it) of the argument or parameter, so both sides
compare values, not bytes.

    pycrate_cap.py check IN     IN: lines "KIND HEX JSON" encoded by scpd, KIND "i<opcode>"
                                (invoke) or "e<errcode>" (return error). Decode HEX with
                                pycrate, compare its argument with JSON.
    pycrate_cap.py encode IN OUT IN: lines "KIND FLAGS JSON"; FLAGS "i" = indefinite lengths,
                                "u" = add members unknown to scpd to every extensible SEQUENCE,
                                "-" = neither. Encode with pycrate and write "HEX UNKNOWNS" per
                                line to OUT (UNKNOWNS = members added).

Prints "pycrate cap: N passed, M failed" last; exits 1 on any failure.

Things pycrate cannot do alone, handled here (see ../shared/PYCRATE-NOTES.md):
- AChBillingChargingCharacteristics (ApplyCharging), CallResult (ApplyChargingReport) and
  FCIBillingChargingCharacteristics (FurnishChargingInformation) are OCTET STRINGs
  "CONSTRAINED BY" the BER encoding of CAMEL-AChBillingChargingCharacteristics {bound},
  CAMEL-CallResult {bound} and CAMEL-FCIBillingChargingCharacteristics {bound}. pycrate's
  CAP_datatypes has those three only as uninstantiated parameterized types (no content), so
  INNER_ASN1 below transcribes them from TS 29.078 (Rel-11 CAP-datatypes, the bound
  cAPSpecificBoundSet substituted: numOfExtensions 10, FCI data 1..160 octets, numOfCSs 127)
  and pycrate_asn1c compiles them at start-up (~0.1 s). In the JSON the OCTET STRING's hex
  is replaced by the JER of the value it contains.
- An invoke whose argument has the wrong tag for its opcode decodes without the argument:
  `check` counts the component's elements on the wire to catch it.
- pycrate resolves an open type given in JER by the name of its type: the parameters of
  requestedInfoError and taskRefused are both an anonymous ENUMERATED, so error parameters
  are encoded with their own type and put into the ReturnError raw.
- Extension values (ExtensionField.value, an open type of an empty SupportedExtensions set)
  come back as the contents of the element inside [1]; scpd's side always sends an OCTET
  STRING there, and pycrate's JER writes its contents.
"""
import importlib.util
import json
import os
import random
import sys
import tempfile

from pycrate_asn1dir import TCAP_CAP
from pycrate_asn1rt.asnobj_str import OCT_STR
from pycrate_asn1rt.codecs import ASN1CodecBER
from pycrate_asn1rt.dictobj import ASN1Dict
from pycrate_asn1rt.utils import MODE_TYPE, TAG_CONTEXT_SPEC, TAG_IMPLICIT, TYPE_SEQ, TYPE_SET, TYPE_CHOICE, \
    TYPE_SEQ_OF, TYPE_SET_OF
from pycrate_core.charpy import Charpy

MSG = TCAP_CAP.TCAP_CAP_Messages.TCAP_CAP_Message

INNER_ASN1 = """
CAMEL-Inner DEFINITIONS IMPLICIT TAGS ::= BEGIN

CAMEL-AChBillingChargingCharacteristics ::= CHOICE {
    timeDurationCharging [0] SEQUENCE {
        maxCallPeriodDuration [0] INTEGER (1..864000),
        releaseIfdurationExceeded [1] BOOLEAN DEFAULT FALSE,
        tariffSwitchInterval [2] INTEGER (1..86400) OPTIONAL,
        audibleIndicator [3] AudibleIndicator DEFAULT tone: FALSE,
        extensions [4] Extensions OPTIONAL,
        ...
    }
}

CAMEL-CallResult ::= CHOICE {
    timeDurationChargingResult [0] SEQUENCE {
        partyToCharge [0] ReceivingSideID,
        timeInformation [1] TimeInformation,
        legActive [2] BOOLEAN DEFAULT TRUE,
        callLegReleasedAtTcpExpiry [3] NULL OPTIONAL,
        extensions [4] Extensions OPTIONAL,
        aChChargingAddress [5] AChChargingAddress DEFAULT legID: receivingSideID: '01'H,
        ...
    }
}

CAMEL-FCIBillingChargingCharacteristics ::= CHOICE {
    fCIBCCCAMELsequence1 [0] SEQUENCE {
        freeFormatData [0] OCTET STRING (SIZE(1..160)),
        partyToCharge [1] SendingSideID DEFAULT sendingSideID: '01'H,
        appendFreeFormatData [2] AppendFreeFormatData DEFAULT overwrite,
        ...
    }
}

AChChargingAddress ::= CHOICE {
    legID [2] LegID,
    srfConnection [50] CallSegmentID
}

AppendFreeFormatData ::= ENUMERATED { overwrite (0), append (1) }

AudibleIndicator ::= CHOICE {
    tone BOOLEAN,
    burstList [1] BurstList
}

Burst ::= SEQUENCE {
    numberOfBursts [0] INTEGER (1..3) DEFAULT 1,
    burstInterval [1] INTEGER (1..1200) DEFAULT 2,
    numberOfTonesInBurst [2] INTEGER (1..3) DEFAULT 3,
    toneDuration [3] INTEGER (1..20) DEFAULT 2,
    toneInterval [4] INTEGER (1..20) DEFAULT 2,
    ...
}

BurstList ::= SEQUENCE {
    warningPeriod [0] INTEGER (1..1200) DEFAULT 30,
    bursts [1] Burst,
    ...
}

CallSegmentID ::= INTEGER (1..127)

TimeInformation ::= CHOICE {
    timeIfNoTariffSwitch [0] TimeIfNoTariffSwitch,
    timeIfTariffSwitch [1] TimeIfTariffSwitch
}

TimeIfNoTariffSwitch ::= INTEGER (0..864000)

TimeIfTariffSwitch ::= SEQUENCE {
    timeSinceTariffSwitch [0] INTEGER (0..864000),
    tariffSwitchInterval [1] INTEGER (1..864000) OPTIONAL
}

-- CS1-DataTypes

LegType ::= OCTET STRING (SIZE(1))

LegID ::= CHOICE {
    sendingSideID [0] LegType,
    receivingSideID [1] LegType
}

ReceivingSideID ::= CHOICE { receivingSideID [1] LegType }

SendingSideID ::= CHOICE { sendingSideID [0] LegType }

-- CAP-datatypes Extensions {bound}, CAP-classes EXTENSION (&id Code) and CS2-datatypes
-- CriticalityType; the value is an open type of an empty object set, sent as OCTET STRING.

Extensions ::= SEQUENCE SIZE (1..10) OF ExtensionField

-- CallGapArg (opcode 41): pycrate's TCAP_CAP message table leaves callGap out.
-- GapTreatment's informationToSend is left out (scpd keeps gapTreatment opaque).
CallGapArg ::= SEQUENCE {
    gapCriteria [0] GapCriteria,
    gapIndicators [1] GapIndicators,
    controlType [2] ENUMERATED { sCPOverloaded (0), manuallyInitiated (1) } OPTIONAL,
    gapTreatment [3] CHOICE { releaseCause [1] OCTET STRING (SIZE (2..32)) } OPTIONAL,
    extensions [4] Extensions OPTIONAL,
    ...
}

GapCriteria ::= CHOICE {
    basicGapCriteria BasicGapCriteria,
    compoundGapCriteria [1] SEQUENCE {
        basicGapCriteria [0] BasicGapCriteria,
        scfID [1] OCTET STRING (SIZE (2..10)) OPTIONAL
    }
}

BasicGapCriteria ::= CHOICE {
    calledAddressValue [0] OCTET STRING (SIZE (2..16)),
    gapOnService [2] SEQUENCE { serviceKey [0] INTEGER (0..2147483647), ... },
    calledAddressAndService [29] SEQUENCE {
        calledAddressValue [0] OCTET STRING (SIZE (2..16)),
        serviceKey [1] INTEGER (0..2147483647),
        ...
    },
    callingAddressAndService [30] SEQUENCE {
        callingAddressValue [0] OCTET STRING (SIZE (2..16)),
        serviceKey [1] INTEGER (0..2147483647),
        ...
    }
}

GapIndicators ::= SEQUENCE {
    duration [0] INTEGER (-2..86400),
    gapInterval [1] INTEGER (-1..60000),
    ...
}

ExtensionField ::= SEQUENCE {
    type Code,
    criticality CriticalityType DEFAULT ignore,
    value [1] EXPLICIT OCTET STRING,
    ...
}

Code ::= CHOICE { local INTEGER, global OBJECT IDENTIFIER }

CriticalityType ::= ENUMERATED { ignore (0), abort (1) }

END
"""


def load_inner():
    from pycrate_asn1c.asnproc import compile_text, generate_modules, PycrateGenerator
    compile_text(INNER_ASN1)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "camel_inner.py")
        generate_modules(PycrateGenerator, path)
        spec = importlib.util.spec_from_file_location("camel_inner", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    return mod.CAMEL_Inner


INNER = load_inner()
ACH = INNER.CAMEL_AChBillingChargingCharacteristics
CALL_RESULT = INNER.CAMEL_CallResult
FCI = INNER.CAMEL_FCIBillingChargingCharacteristics


def _component_choice():
    return MSG._cont["continue"]._cont["components"]._cont._cont["basicROS"]


ARG_TYPES = {r["operationCode"][1]: r.get("ArgumentType")
             for r in _component_choice()._cont["invoke"]._cont["argument"]._const_tab._val.root}
# Operations pycrate's TCAP_CAP message table leaves out (its open type then stays raw):
# their arguments are decoded and encoded with the type itself, by opcode.
OUTSIDE_TABLE = {41: INNER.CallGapArg}
ARG_TYPES.update({k: v for k, v in OUTSIDE_TABLE.items() if k not in ARG_TYPES})
ERR_TYPES = {r["errorCode"][1]: r.get("ParameterType")
             for r in _component_choice()._cont["returnError"]._cont["parameter"]._const_tab._val.root}


# --- BER helpers (independent of pycrate, to check what pycrate decoded) ----------------------


def tlv(buf, i):
    """(tag bytes end, constructed, contents start, contents end or None for indefinite, next)."""
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
    return (i, cons, j, j + ln, j + ln)


def children(buf, start, end):
    out = []
    i = start
    while i < end:
        t = tlv(buf, i)
        out.append(t)
        i = t[4]
    return out


def component_elements(buf):
    """Number of elements inside the single component of a TC message."""
    msg = tlv(buf, 0)
    for c in children(buf, msg[2], msg[3]):
        if buf[c[0]] == 0x6C:
            comps = children(buf, c[2], c[3])
            if len(comps) != 1:
                raise ValueError("%d components" % len(comps))
            return len(children(buf, comps[0][2], comps[0][3]))
    raise ValueError("no component portion")


# --- CONSTRAINED BY contents -----------------------------------------------------------------

CONTAINING = {34: FCI, 36: CALL_RESULT}


def decode_inner(obj, hx):
    buf = bytes.fromhex(hx)
    ch = Charpy(buf)
    obj.from_ber(ch)
    if ch._cur != len(buf) * 8:
        raise ValueError("%s: trailing bytes after the contained value" % obj._name)
    return json.loads(obj.to_jer())


def encode_inner(obj, jv):
    obj.from_jer(json.dumps(jv))
    return obj.to_ber().hex()


def expand(kind, arg):
    """Replace CONSTRAINED BY OCTET STRINGs with the JER of the value they contain."""
    if kind == "i35" and arg is not None:
        arg = dict(arg)
        arg["aChBillingChargingCharacteristics"] = decode_inner(ACH, arg["aChBillingChargingCharacteristics"])
    elif kind[0] == "i" and int(kind[1:]) in CONTAINING:
        arg = decode_inner(CONTAINING[int(kind[1:])], arg)
    return arg


def collapse(kind, arg):
    if kind == "i35":
        arg = dict(arg)
        arg["aChBillingChargingCharacteristics"] = encode_inner(ACH, arg["aChBillingChargingCharacteristics"])
    elif kind[0] == "i" and int(kind[1:]) in CONTAINING:
        arg = encode_inner(CONTAINING[int(kind[1:])], arg)
    return arg


# --- messages --------------------------------------------------------------------------------


def message(kind, invoke_id, arg):
    if kind[0] == "i":
        c = {"invokeId": {"present": invoke_id}, "opcode": {"local": int(kind[1:])}}
        if arg is not None:
            c["argument"] = arg
        comp = {"invoke": c}
    else:
        c = {"invokeId": {"present": invoke_id}, "errcode": {"local": int(kind[1:])}}
        if arg is not None:
            c["parameter"] = arg
        comp = {"returnError": c}
    return {"continue": {"otid": "0a0b0c0d", "dtid": "01020304", "components": [{"basicROS": comp}]}}


def argument_of(jer):
    body = jer["continue"]
    comps = body["components"]
    if len(comps) != 1:
        raise ValueError("%d components" % len(comps))
    (name, c), = comps[0]["basicROS"].items()
    return c.get("argument" if name == "invoke" else "parameter")


def decode_argument(obj, buf):
    """The single component's argument (its third element) decoded as `obj`."""
    msg = tlv(buf, 0)
    for c in children(buf, msg[2], msg[3]):
        if buf[c[0]] == 0x6C:
            comp = children(buf, c[2], c[3])[0]
            arg = children(buf, comp[2], comp[3])[2]
            return decode_inner(obj, buf[arg[0]:arg[4]].hex())
    raise ValueError("no component portion")


def decode(kind, buf):
    ch = Charpy(buf)
    MSG.from_ber(ch)
    if ch._cur != len(buf) * 8:
        raise ValueError("pycrate consumed %d of %d bytes" % (ch._cur // 8, len(buf)))
    arg = argument_of(json.loads(MSG.to_jer()))
    if kind[0] == "i" and int(kind[1:]) in OUTSIDE_TABLE and arg is not None:
        arg = decode_argument(OUTSIDE_TABLE[int(kind[1:])], buf)
    present = 1 if arg is not None else 0
    if component_elements(buf) != 2 + present:
        raise ValueError("the component has %d elements on the wire but pycrate decoded %s argument "
                         "(wrong tag for the operation?)" % (component_elements(buf), "an" if present else "no"))
    return expand(kind, arg)


# --- unknown members -------------------------------------------------------------------------

UNKNOWN_TAG = (100, TAG_CONTEXT_SPEC, TAG_IMPLICIT)


def add_member(seq, name):
    """Give a pycrate SEQUENCE one more optional OCTET STRING member [100], as a peer of a newer
    release would have. Returns a function that removes it again."""
    obj = OCT_STR(name=name, mode=MODE_TYPE, tag=UNKNOWN_TAG, opt=True)
    obj._parent = seq
    obj._tagc = [(2, UNKNOWN_TAG[0])]
    saved = (seq._cont, seq._root, seq._root_opt, seq._cont_tags)
    seq._cont = ASN1Dict(list(seq._cont.items()) + [(name, obj)])
    seq._root = list(seq._root) + [name]
    seq._root_opt = list(seq._root_opt) + [name]
    seq._cont_tags = list(seq._cont_tags) + [obj._tagc[0]] if isinstance(seq._cont_tags, list) \
        else dict(seq._cont_tags, **{obj._tagc[0]: name})

    def undo():
        seq._cont, seq._root, seq._root_opt, seq._cont_tags = saved

    return undo


def inject(obj, jv, rng, done, undo):
    """Walk JER value `jv` of type `obj`; in every extensible SEQUENCE met, add the unknown
    member (type changed once, value set in each instance). Returns how many were added."""
    n = 0
    t = obj.TYPE
    if t in (TYPE_SEQ, TYPE_SET) and isinstance(jv, dict):
        for k, v in list(jv.items()):
            if k in obj._cont:
                n += inject(obj._cont[k], v, rng, done, undo)
        if obj._ext is not None:
            if id(obj) not in done:
                done.add(id(obj))
                undo.append(add_member(obj, "newer-release-member"))
            jv["newer-release-member"] = "%02x" % rng.randint(0, 255) * rng.randint(0, 3)
            n += 1
    elif t == TYPE_CHOICE and isinstance(jv, dict) and len(jv) == 1:
        (k, v), = jv.items()
        if k in obj._cont:
            n += inject(obj._cont[k], v, rng, done, undo)
    elif t in (TYPE_SEQ_OF, TYPE_SET_OF) and isinstance(jv, list):
        for v in jv:
            n += inject(obj._cont, v, rng, done, undo)
    return n


def strip(jv):
    if isinstance(jv, dict):
        return {k: strip(v) for k, v in jv.items() if k != "newer-release-member"}
    if isinstance(jv, list):
        return [strip(v) for v in jv]
    return jv


def inner_type(kind):
    if kind == "i35":
        return None
    if kind[0] == "i" and int(kind[1:]) in CONTAINING:
        return CONTAINING[int(kind[1:])]
    return None


def encode(kind, flags, arg, rng):
    """pycrate's encoding of `arg` for `kind`, how many unknown members it carries, and what
    pycrate decodes from it (while it still knows the added members: pycrate 0.8 fails with
    "invalid primitive tag" when it has to skip an unknown member inside an indefinite-length
    SEQUENCE) next to the value given, the added members included."""
    undo = []
    done = set()
    added = 0
    ASN1CodecBER.ENC_LUNDEF = "i" in flags
    try:
        arg = json.loads(json.dumps(arg))
        if "u" in flags and arg is not None:
            if kind == "i35":
                added += inject(ACH, arg["aChBillingChargingCharacteristics"], rng, done, undo)
            inner = inner_type(kind)
            if inner is not None:
                added += inject(inner, arg, rng, done, undo)
            else:
                top = ARG_TYPES[int(kind[1:])] if kind[0] == "i" else ERR_TYPES[int(kind[1:])]
                added += inject(top, arg, rng, done, undo)
        given = json.loads(json.dumps(arg))
        arg = collapse(kind, arg) if arg is not None else None
        raw_types = ERR_TYPES if kind[0] == "e" else OUTSIDE_TABLE
        if int(kind[1:]) in raw_types and arg is not None:
            # pycrate resolves an open type given in JER by its type's name, and the
            # parameters of requestedInfoError and taskRefused are both an anonymous
            # ENUMERATED; an operation outside its table has no open type at all: encode
            # the value with its own type and put it in raw.
            ptype = raw_types[int(kind[1:])]
            ptype.from_jer(json.dumps(arg))
            pbuf = ptype.to_ber()
            _, cons, start, end, _ = tlv(pbuf, 0)
            MSG.from_jer(json.dumps(message(kind, rng.randint(-128, 127), None)))
            val = MSG.get_val()
            val[1]["components"][0][1][1]["parameter" if kind[0] == "e" else "argument"] = (
                "_unk_%d%d%d" % (pbuf[0] >> 6, int(cons), pbuf[0] & 0x1F), pbuf[start:end])
            MSG.set_val(val)
        else:
            MSG.from_jer(json.dumps(message(kind, rng.randint(-128, 127), arg)))
        buf = MSG.to_ber()
        ASN1CodecBER.ENC_LUNDEF = False
        again = decode(kind, buf)
    finally:
        ASN1CodecBER.ENC_LUNDEF = False
        for u in reversed(undo):
            u()
    return buf, added, again, given


# --- modes -----------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def fail(self, what):
        self.failed += 1
        if self.failed <= 20:
            print("FAIL:", what, file=sys.stderr)

    def done(self):
        print("pycrate cap: %d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def check(inp, t):
    with open(inp) as f:
        for n, line in enumerate(f, 1):
            kind, hx, js = line.rstrip("\n").split(" ", 2)
            want = json.loads(js)
            try:
                got = decode(kind, bytes.fromhex(hx))
            except Exception as e:  # noqa: BLE001 - report, keep going
                t.fail("line %d %s: pycrate cannot decode %s: %s" % (n, kind, hx, e))
                continue
            if got != want:
                t.fail("line %d %s: %s\n  scpd:    %s\n  pycrate: %s" % (n, kind, hx, json.dumps(want, sort_keys=True),
                                                                     json.dumps(got, sort_keys=True)))
            else:
                t.passed += 1


def gen(inp, outp, seed, t):
    rng = random.Random(seed)
    with open(inp) as f, open(outp, "w") as out:
        for n, line in enumerate(f, 1):
            kind, flags, js = line.rstrip("\n").split(" ", 2)
            want = json.loads(js)
            try:
                buf, added, again, given = encode(kind, flags, want, rng)
            except Exception as e:  # noqa: BLE001
                t.fail("line %d %s: pycrate cannot encode %s: %s" % (n, kind, js, e))
                out.write("- 0\n")
                continue
            # What pycrate wrote must decode to what it was given.
            if again != given or strip(given) != want:
                t.fail("line %d %s: pycrate encoded %s\n  given:   %s\n  decoded: %s" % (
                    n, kind, buf.hex(), json.dumps(given, sort_keys=True), json.dumps(again, sort_keys=True)))
            else:
                t.passed += 1
            out.write("%s %d\n" % (buf.hex(), added))


def main():
    t = Tally()
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2], t)
    elif len(sys.argv) == 5 and sys.argv[1] == "encode":
        gen(sys.argv[2], sys.argv[3], int(sys.argv[4]), t)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.done()


if __name__ == "__main__":
    main()
