#!/usr/bin/env python3
"""Differential oracle for scpd's SCCP codec: pycrate's SCCP (pycrate_mobile.SCCP, ITU Q.713
only: pycrate has no ANSI T1.112 layout) decodes what scpd encodes and encodes what scpd must
decode.

Driven by tests/sccp_pycrate.rs. Every message is described by a normalized JSON value that
the Rust side computes from its own decoder, so both sides compare values, not bytes:

    {"type": 9|10|17|18|19|20, "pclass": octet|null, "cause": n|null, "hop": n|null,
     "called": ADDR, "calling": ADDR, "data": HEX,
     "seg": [F, C, remaining, "LLLLLL"]|null, "imp": n|null}
    ADDR = {"res": 0|1, "ri": 0|1, "pc": n|null, "ssn": n|null, "gti": 0..4,
            "tt": n|null, "np": n|null, "es": n|null, "nai": n|null, "oe": 0|1|null,
            "digits": HEX|null}

The segmentation local reference is compared as its three octets ("LLLLLL", as on the wire):
pycrate reads it as a big-endian Uint24, scpd (like Wireshark and jSS7) least significant
octet first; the octets are what both must agree on.

    pycrate_sccp.py check IN OUT    IN: lines "HEX JSON" encoded by scpd. Decode each with
                                    pycrate, compare with JSON, build the same message with
                                    pycrate and write "HEX" to OUT (scpd decodes those back).
    pycrate_sccp.py gen N SEED OUT  N random messages built and encoded by pycrate: lines
                                    "HEX JSON" for scpd to decode.

Prints "pycrate sccp: N passed, M failed" last; exits 1 on any failure.
"""
import json
import random
import sys

from pycrate_mobile.SCCP import (
    SCCPExtUnitData,
    SCCPExtUnitDataService,
    SCCPLongUnitData,
    SCCPLongUnitDataService,
    SCCPUnitData,
    SCCPUnitDataService,
    parse_SCCP,
)

CLASSES = {
    9: SCCPUnitData,
    10: SCCPUnitDataService,
    17: SCCPExtUnitData,
    18: SCCPExtUnitDataService,
    19: SCCPLongUnitData,
    20: SCCPLongUnitDataService,
}
SERVICE = (10, 18, 20)
HOP = (17, 18, 19, 20)
LONG = (19, 20)


def addr_from_pycrate(party):
    a = party[1]
    ind = a["AddrInd"]
    gti = ind["GTInd"].get_val()
    d = {
        "res": ind["res"].get_val(),
        "ri": ind["RoutingInd"].get_val(),
        "pc": a["PC"].get_val() if ind["PCInd"].get_val() else None,
        "ssn": a["SSN"].get_val() if ind["SSNInd"].get_val() else None,
        "gti": gti,
        "tt": None, "np": None, "es": None, "nai": None, "oe": None, "digits": None,
    }
    if gti:
        gt = a["GT"].get_alt()
        if gti == 1:
            d["oe"] = gt["OE"].get_val()
            d["nai"] = gt["NAI"].get_val()
        else:
            d["tt"] = gt["TranslationType"].get_val()
        if gti in (3, 4):
            d["np"] = gt["NumberingPlan"].get_val()
            d["es"] = gt["EncodingScheme"].get_val()
        if gti == 4:
            d["nai"] = gt["NAI"].get_val()
        d["digits"] = gt[-1].to_bytes().hex()
    return d


def addr_to_pycrate(d):
    v = {
        "AddrInd": {
            "res": d["res"], "RoutingInd": d["ri"], "GTInd": d["gti"],
            "SSNInd": int(d["ssn"] is not None), "PCInd": int(d["pc"] is not None),
        }
    }
    if d["pc"] is not None:
        v["PC"] = d["pc"]
    if d["ssn"] is not None:
        v["SSN"] = d["ssn"]
    g = d["gti"]
    digits = bytes.fromhex(d["digits"] or "")
    if g == 1:
        v["GT"] = {"OE": d["oe"], "NAI": d["nai"], "Addr": digits}
    elif g == 2:
        v["GT"] = {"TranslationType": d["tt"], "Addr": digits}
    elif g == 3:
        v["GT"] = {"TranslationType": d["tt"], "NumberingPlan": d["np"],
                   "EncodingScheme": d["es"], "Addr": digits}
    elif g == 4:
        v["GT"] = {"TranslationType": d["tt"], "NumberingPlan": d["np"],
                   "EncodingScheme": d["es"], "spare": 0, "NAI": d["nai"], "Addr": digits}
    return v


def describe(m):
    t = m["Type"].get_val()
    d = {
        "type": t,
        "pclass": None if t in SERVICE else m["ProtocolClass"].to_bytes()[0],
        "cause": m["RetCause"].get_val() if t in SERVICE else None,
        "hop": m["HopCounter"].get_val() if t in HOP else None,
        "called": addr_from_pycrate(m["CalledPartyAddr"]),
        "calling": addr_from_pycrate(m["CallingPartyAddr"]),
        "data": m["LongData" if t in LONG else "Data"]["Value"].to_bytes().hex(),
        "seg": None,
        "imp": None,
    }
    if t in HOP and m["Pointers"][3].get_val() != 0:
        for o in m["Opt"]._content:
            if o.get_trans():
                continue
            if o._name == "Segmentation":
                s = o[2]
                d["seg"] = [s["F"].get_val(), s["C"].get_val(), s["RemainingSeg"].get_val(),
                            s["SegmentLocalRef"].to_bytes().hex()]
            elif o._name == "Importance":
                d["imp"] = o[2]["Value"].get_val()
    return d


def build(d):
    t = d["type"]
    m = CLASSES[t]()
    if t in SERVICE:
        m["RetCause"].set_val(d["cause"])
    else:
        m["ProtocolClass"].set_val({"Handling": d["pclass"] >> 4, "Class": d["pclass"] & 15})
    if t in HOP:
        m["HopCounter"].set_val(d["hop"])
    m["CalledPartyAddr"][1].set_val(addr_to_pycrate(d["called"]))
    m["CallingPartyAddr"][1].set_val(addr_to_pycrate(d["calling"]))
    m["LongData" if t in LONG else "Data"]["Value"].set_val(bytes.fromhex(d["data"]))
    if t in HOP and (d["seg"] is not None or d["imp"] is not None):
        opt = m["Opt"]
        if d["seg"] is not None:
            f, c, rem, lr = d["seg"]
            opt["Segmentation"].set_trans(False)
            opt["Segmentation"][2].set_val({"F": f, "C": c, "spare": 0, "RemainingSeg": rem,
                                            "SegmentLocalRef": int(lr, 16)})
        if d["imp"] is not None:
            opt["Importance"].set_trans(False)
            opt["Importance"][2].set_val({"spare": 0, "Value": d["imp"]})
        opt["EOO"].set_trans(False)
    return m.to_bytes()


def random_addr(rng):
    gti = rng.randrange(5)
    ri = 1 if gti == 0 else rng.randrange(2)
    ndig = rng.randrange(1, 16)
    bcd = bytes(rng.randrange(10) | rng.randrange(10) << 4 for _ in range((ndig + 1) // 2))
    if ndig % 2:
        bcd = bcd[:-1] + bytes([bcd[-1] & 0x0f])
    d = {
        "res": 0, "ri": ri,
        "pc": rng.randrange(0x4000) if rng.random() < 0.5 else None,
        "ssn": rng.choice([1, 6, 7, 8, 146, 147, 254]) if (ri or rng.random() < 0.7) else None,
        "gti": gti,
        "tt": None, "np": None, "es": None, "nai": None, "oe": None, "digits": None,
    }
    if gti:
        d["digits"] = bcd.hex()
    if gti == 1:
        d["oe"], d["nai"] = ndig % 2, rng.choice([1, 2, 3, 4, 0x70])
    if gti >= 2:
        d["tt"] = rng.randrange(256)
    if gti >= 3:
        d["np"], d["es"] = rng.choice([1, 6, 7, 14]), 1 if ndig % 2 else 2
    if gti == 4:
        d["nai"] = rng.choice([0, 1, 3, 4])
    return d


def random_desc(rng):
    t = rng.choice([9, 9, 10, 17, 17, 17, 18, 19, 20])
    n = rng.randrange(1, 600 if t in LONG else 120)
    d = {
        "type": t,
        "pclass": None if t in SERVICE else rng.choice([0, 1, 0x80, 0x81]),
        "cause": rng.randrange(15) if t in SERVICE else None,
        "hop": rng.randrange(1, 16) if t in HOP else None,
        "called": random_addr(rng),
        "calling": random_addr(rng),
        "data": bytes(rng.randrange(256) for _ in range(n)).hex(),
        "seg": None,
        "imp": None,
    }
    if t in HOP:
        if rng.random() < 0.5:
            d["seg"] = [rng.randrange(2), rng.randrange(2), rng.randrange(16),
                        bytes(rng.randrange(256) for _ in range(3)).hex()]
        if rng.random() < 0.4:
            d["imp"] = rng.randrange(8)
    return d


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def fail(self, what):
        self.failed += 1
        print("FAIL " + what)

    def done(self):
        print("pycrate sccp: %d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def check(path_in, path_out, t):
    out = []
    for n, line in enumerate(open(path_in), 1):
        h, js = line.rstrip("\n").split(" ", 1)
        want = json.loads(js)
        m, err = parse_SCCP(bytes.fromhex(h), w_scmg=False)
        if err:
            t.fail("line %d: pycrate cannot parse %s (err %d)" % (n, h, err))
            out.append(h)
            continue
        got = describe(m)
        if got != want:
            t.fail("line %d: %s\n  scpd:    %s\n  pycrate: %s" % (n, h, json.dumps(want), json.dumps(got)))
        else:
            t.passed += 1
        out.append(build(want).hex())
    with open(path_out, "w") as f:
        f.write("\n".join(out) + "\n")


def gen(count, seed, path_out, t):
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        d = random_desc(rng)
        b = build(d)
        # pycrate must read its own encoding back to the same values.
        m, err = parse_SCCP(b, w_scmg=False)
        if err or describe(m) != d:
            t.fail("pycrate round trip %s: %s" % (b.hex(), json.dumps(d)))
            continue
        t.passed += 1
        lines.append("%s %s" % (b.hex(), json.dumps(d)))
    with open(path_out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    t = Tally()
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], t)
    elif len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], t)
    else:
        print(__doc__)
        sys.exit(2)
    t.done()


if __name__ == "__main__":
    main()
