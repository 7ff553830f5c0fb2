#!/usr/bin/env python3
"""Independent gRPC subscriber: Python grpcio with stubs generated here from
proto/scpd/v1/scpd.proto by grpc_tools.protoc (none of scpd's code is used).

Usage: grpc_events.py PROTO_DIR ADDR FROM_SEQUENCE MAX_EVENTS QUIET_SECONDS [CONSUMER [KINDS]]

Subscribes with from_sequence = FROM_SEQUENCE and prints one JSON line per event
({"sequence", "call_id", "kind"}), stopping (cancelling the stream) after MAX_EVENTS events
or when no event came for QUIET_SECONDS. With CONSUMER (not "-"), subscribes as that durable
consumer and acknowledges each event after printing it (CallEvents.Ack); KINDS is a
comma-separated list of EventKind names the server filters on.
"""

import json
import sys

import grpc

from grpc_stubs import stubs, take


def main():
    proto_dir, addr, start, limit, quiet = sys.argv[1:6]
    consumer = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] != "-" else ""
    kinds = [k for k in sys.argv[7].split(",") if k] if len(sys.argv) > 7 else []
    pb, rpc = stubs(proto_dir)
    channel = grpc.insecure_channel(addr)
    stub = rpc.CallEventsStub(channel)
    stream = stub.Subscribe(pb.SubscribeRequest(
        from_sequence=int(start),
        consumer=consumer,
        kinds=[pb.EventKind.Value(k) for k in kinds]))
    try:
        for ev in take(stream, int(limit), float(quiet)):
            print(json.dumps({
                "sequence": ev.sequence,
                "call_id": ev.call_id,
                "kind": pb.EventKind.Name(ev.kind),
                "calling": ev.calling_party.digits,
                "nature": pb.NatureOfAddress.Name(ev.calling_party.nature),
            }), flush=True)
            if consumer:
                stub.Ack(pb.AckRequest(consumer=consumer, sequence=ev.sequence))
    except grpc.RpcError as e:
        sys.exit("stream failed: %s" % e)
    channel.close()


if __name__ == "__main__":
    main()
