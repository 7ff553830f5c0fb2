#!/usr/bin/env python3
"""A tiny stand-in for scpd, used only to self-check pycrate_msc.py (the harness) when the real
daemon is not at hand: `python3 pycrate_msc.py tests/interop/fake_scpd.py`.

It mimics the CLI surface the harness uses (`run`, `subscriber add`, `events --follow`), but its
"gRPC" port speaks a private line protocol, and its CAMEL side is built on pycrate too, so a pass
against it proves nothing about scpd: it only proves the harness logic.
"""
import json
import socket
import sys
import threading
import uuid

import pycrate_mobile.M3UA as M3UA
import pycrate_mobile.SCCP as SCCP
from pycrate_asn1dir import TCAP_CAP

T = TCAP_CAP.TCAP_CAP_Messages.TCAP_CAP_Message
LOCK = threading.Lock()
AC = (0, 4, 0, 0, 1, 0, 50, 1)


def arg(argv, name):
    return argv[argv.index(name) + 1]


def hostport(s):
    s = s.split("://")[-1]
    h, p = s.rsplit(":", 1)
    return h, int(p)


def line_client(grpc, line):
    s = socket.create_connection(hostport(grpc))
    s.sendall((line + "\n").encode())
    return s


class Daemon:
    def __init__(self):
        self.subs = set()
        self.events = []
        self.cond = threading.Condition()
        self.dialogues = {}  # scp tid -> call
        self.next_tid = 0x1000

    def publish(self, **ev):
        with self.cond:
            ev["sequence"] = len(self.events) + 1
            self.events.append(ev)
            self.cond.notify_all()

    def grpc_conn(self, c):
        f = c.makefile("rw")
        cmd = f.readline().split()
        if cmd[0] == "ADD":
            self.subs.add(cmd[1])
            f.write("OK\n")
            f.flush()
        elif cmd[0] == "FOLLOW":
            i = 0
            while True:
                with self.cond:
                    while i >= len(self.events):
                        self.cond.wait()
                    ev = self.events[i]
                i += 1
                f.write(json.dumps(ev) + "\n")
                f.flush()

    def m3ua_conn(self, c):
        buf = b""
        while True:
            d = c.recv(65536)
            if not d:
                return
            buf += d
            while len(buf) >= 8 and len(buf) >= int.from_bytes(buf[4:8], "big"):
                ln = int.from_bytes(buf[4:8], "big")
                raw, buf = buf[:ln], buf[ln:]
                with LOCK:
                    out = self.handle(raw)
                if out:
                    c.sendall(out)

    def handle(self, raw):
        m, _ = M3UA.parse_M3UA(raw)
        ct = (m[0]["Class"].get_val(), m[0]["Type"].get_val())
        if ct == (3, 1):
            return M3UA.M3UA_ASPUpAck().to_bytes()
        if ct == (4, 1):
            a = M3UA.M3UA_ASPActAck()
            a[1].clear()
            for p in m[1]:
                if p[0].get_val() == 6:
                    q = M3UA.Param()
                    q.set_val({"Tag": 6, "Val": p[2].get_val()})
                    a[1].append(q)
            n = M3UA.M3UA_NTFY()
            return a.to_bytes() + n.to_bytes()
        if ct != (1, 1):
            return b""
        prm = {p[0].get_val(): p[2].get_val() for p in m[1]}
        opc, dpc, si, ni, mp, sls, data = prm[528]
        sc, _ = SCCP.parse_SCCP(data)
        T.from_ber(sc["Data"]["Value"].get_val())
        kind, body = T.get_val()
        answer = self.tcap(kind, body)
        if answer is None:
            return b""
        T.set_val(answer)
        ud = T.to_ber()
        u = SCCP.SCCPUnitData()
        u["CalledPartyAddr"].set_val(sc["CallingPartyAddr"].get_val())
        u["CallingPartyAddr"].set_val(sc["CalledPartyAddr"].get_val())
        u["Data"]["Value"].set_val(ud)
        out = M3UA.M3UA_DATA()
        out[1].clear()
        if 6 in prm:
            q = M3UA.Param()
            q.set_val({"Tag": 6, "Val": prm[6]})
            out[1].append(q)
        q = M3UA.Param()
        q.set_val({"Tag": 528, "Val": {"OPC": dpc, "DPC": opc, "SI": 3, "NI": ni, "MP": 0, "SLS": sls,
                                       "Data": u.to_bytes()}})
        out[1].append(q)
        return out.to_bytes()

    def tcap(self, kind, body):
        from pycrate_mobile.ISUP import CalledPartyNum, CallingPartyNum
        from pycrate_mobile.TS24008_IE import BufBCD, CalledPartyBCDNumber
        inv = body["components"][0][1][1]
        a = inv["argument"][1]
        aare = {"direct-reference": (0, 0, 17, 773, 1, 1, 1), "encoding": ("single-ASN1-type", (
            "DialoguePDU", ("dialogueResponse", {"protocol-version": (1, 1), "application-context-name": AC,
                                                 "result": 0, "result-source-diagnostic": ("dialogue-service-user", 0)})))}
        cont = ("basicROS", ("invoke", {"invokeId": ("present", 9), "opcode": ("local", 31)}))
        if kind == "begin":
            cg = CallingPartyNum()
            cg.from_bytes(a["callingPartyNumber"])
            if "calledPartyNumber" in a:
                cd = CalledPartyNum()
                cd.from_bytes(a["calledPartyNumber"])
                called = cd.get_num()
            else:
                cd = CalledPartyBCDNumber()
                cd.from_bytes(a["calledPartyBCDNumber"])
                called = cd["Num"].decode()
            im = BufBCD("i")
            im.from_bytes(a["iMSI"])
            term = a["eventTypeBCSM"] == "termAttemptAuthorized"
            cid = str(uuid.uuid4())
            self.publish(call_id=cid, kind="TRIGGER", protocol="CAMEL",
                         direction="TERMINATING" if term else "ORIGINATING",
                         calling_party={"digits": cg.get_num()}, called_party={"digits": called}, imsi=im.decode())
            mon = (called if term else cg.get_num()) in self.subs
            if not mon:
                return ("end", {"dtid": body["otid"], "dialoguePortion": aare, "components": [cont]})
            self.next_tid += 1
            tid = self.next_tid.to_bytes(4, "big")
            self.dialogues[tid] = cid
            ev = ("tAnswer", "tDisconnect") if term else ("oAnswer", "oDisconnect")
            rr = ("basicROS", ("invoke", {"invokeId": ("present", 1), "opcode": ("local", 23), "argument": (
                "RequestReportBCSMEventArg", {"bcsmEvents": [
                    {"eventTypeBCSM": ev[0], "monitorMode": "notifyAndContinue"},
                    {"eventTypeBCSM": ev[1], "monitorMode": "interrupted", "legID": ("sendingSideID", b"\x01")},
                    {"eventTypeBCSM": ev[1], "monitorMode": "interrupted", "legID": ("sendingSideID", b"\x02")}]})}))
            return ("continue", {"otid": tid, "dtid": body["otid"], "dialoguePortion": aare, "components": [rr, cont]})
        cid = self.dialogues[body["dtid"]]
        if a["eventTypeBCSM"] in ("oAnswer", "tAnswer"):
            self.publish(call_id=cid, kind="ANSWERED")
            return None
        self.publish(call_id=cid, kind="DISCONNECTED")
        return ("end", {"dtid": body["otid"], "components": [cont]})


def serve(port, fn):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()


def main(argv):
    if argv[0] == "run":
        import signal
        d = Daemon()
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
        threading.Thread(target=serve, args=(hostport(arg(argv, "--grpc-listen"))[1], d.grpc_conn), daemon=True).start()
        serve(hostport(arg(argv, "--m3ua-listen"))[1], d.m3ua_conn)
    elif argv[0] == "subscriber":
        s = line_client(arg(argv, "--grpc"), "ADD " + argv[4])
        return 0 if s.makefile().readline().strip() == "OK" else 1
    elif argv[0] == "events":
        s = line_client(arg(argv, "--grpc"), "FOLLOW")
        for line in s.makefile():
            sys.stdout.write(line)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
