"""Python gRPC stubs generated at run time from proto/scpd/v1/scpd.proto by
grpc_tools.protoc (none of scpd's code is used), for the independent grpcio clients."""

import os
import sys
import tempfile

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
