#!/usr/bin/env python3
"""Independent tenant client: Python grpcio over TLS with stubs generated here from
proto/scpd/v1/scpd.proto by grpc_tools.protoc (none of scpd's code is used).

Usage: grpc_tenants.py PROTO_DIR ADDR CA_PEM CRED OP [ARG...]

CRED is "token:TOKEN" (sent as `authorization: Bearer TOKEN`), "cert:PATH" (the client
certificate PATH.pem with its key PATH.key) or "none". OP is one of

  add NUMBER            Subscribers.Add (monitor policy; the tenant left for the daemon)
  get NUMBER            Subscribers.Get
  remove NUMBER         Subscribers.Remove
  list                  Subscribers.List
  events CONSUMER MAX QUIET_SECONDS
                        Subscribe as durable consumer CONSUMER, acknowledging each event,
                        until MAX events or QUIET_SECONDS without one

and prints one JSON line: {"code": STATUS_CODE_NAME, ...what the call returned}.
"""

import json
import sys

import grpc

from grpc_stubs import stubs, take


def channel(addr, ca, cred):
    root = open(ca, "rb").read()
    metadata = []
    if cred.startswith("cert:"):
        path = cred[len("cert:"):]
        creds = grpc.ssl_channel_credentials(
            root_certificates=root,
            private_key=open(path + ".key", "rb").read(),
            certificate_chain=open(path + ".pem", "rb").read())
    else:
        creds = grpc.ssl_channel_credentials(root_certificates=root)
        if cred.startswith("token:"):
            metadata = [("authorization", "Bearer " + cred[len("token:"):])]
    return grpc.secure_channel(addr, creds), metadata


def subscriber(s):
    return {"number": s.number, "user": s.user, "tenant": s.tenant}


def main():
    proto_dir, addr, ca, cred, op = sys.argv[1:6]
    args = sys.argv[6:]
    pb, rpc = stubs(proto_dir)
    ch, md = channel(addr, ca, cred)
    subs = rpc.SubscribersStub(ch)
    out = {"code": "OK"}
    try:
        if op == "add":
            s = subs.Add(pb.Subscriber(number=args[0], user="py " + args[0],
                                       policy=pb.MONITOR), metadata=md)
            out.update(subscriber(s))
        elif op == "get":
            out.update(subscriber(subs.Get(pb.GetSubscriberRequest(number=args[0]),
                                           metadata=md)))
        elif op == "remove":
            r = subs.Remove(pb.RemoveSubscriberRequest(number=args[0]), metadata=md)
            out["removed"] = r.removed
        elif op == "list":
            r = subs.List(pb.ListSubscribersRequest(), metadata=md)
            out["numbers"] = [s.number for s in r.subscribers]
        elif op == "events":
            consumer, limit, quiet = args[0], int(args[1]), float(args[2])
            events = rpc.CallEventsStub(ch)
            stream = events.Subscribe(pb.SubscribeRequest(consumer=consumer), metadata=md)
            got = []
            for ev in take(stream, limit, quiet):
                got.append({"sequence": ev.sequence, "call_id": ev.call_id,
                            "kind": pb.EventKind.Name(ev.kind),
                            "subscriber": ev.subscriber, "user": ev.user,
                            "tenants": list(ev.tenants)})
                events.Ack(pb.AckRequest(consumer=consumer, sequence=ev.sequence),
                           metadata=md)
            out["events"] = got
        else:
            sys.exit("unknown op " + op)
    except grpc.RpcError as e:
        out = {"code": e.code().name, "message": e.details()}
    print(json.dumps(out), flush=True)
    ch.close()


if __name__ == "__main__":
    main()
