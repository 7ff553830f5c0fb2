"""What the independent grpcio clients share: stubs generated at run time from
proto/scpd/v1/scpd.proto by grpc_tools.protoc (none of scpd's code is used), and reading an
event stream with a limit and a quiet timeout."""

import os
import queue
import sys
import tempfile
import threading

import grpc
from grpc_tools import protoc


def stubs(proto_dir):
    """(scpd_pb2, scpd_pb2_grpc) generated into a fresh temporary directory."""
    out = tempfile.mkdtemp(prefix="scpd-pystubs-")
    rc = protoc.main([
        "protoc", "-I" + proto_dir, "--python_out=" + out, "--grpc_python_out=" + out,
        os.path.join(proto_dir, "scpd", "v1", "scpd.proto"),
    ])
    if rc != 0:
        sys.exit("protoc failed: %d" % rc)
    sys.path.insert(0, out)
    from scpd.v1 import scpd_pb2, scpd_pb2_grpc
    return scpd_pb2, scpd_pb2_grpc


def take(stream, limit, quiet):
    """The events of `stream`, until `limit` of them, QUIET seconds without one, its end or
    its cancellation; another error is raised. The stream is cancelled when done."""
    q = queue.Queue()

    def pump():
        try:
            for ev in stream:
                q.put(ev)
        except grpc.RpcError as e:
            q.put(e)
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    n = 0
    try:
        while n < limit:
            try:
                ev = q.get(timeout=quiet)
            except queue.Empty:
                return
            if ev is None:
                return
            if isinstance(ev, grpc.RpcError):
                if ev.code() == grpc.StatusCode.CANCELLED:
                    return
                raise ev
            n += 1
            yield ev
    finally:
        stream.cancel()
