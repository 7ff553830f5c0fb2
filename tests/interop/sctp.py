"""Kernel SCTP for M3UA from python's own socket module (python has no sctp module): one-to-one
sockets (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)), the stream and PPID of each message in
an SCTP_SNDRCV control message (struct sctp_sndrcvinfo, RFC 6458 §5.3.2), multi-homing with
the SCTP_SOCKOPT_BINDX_ADD / SCTP_SOCKOPT_CONNECTX socket options, whole messages read until
MSG_EOR. Written from <linux/sctp.h> and RFC 6458, not from scpd's code; Linux, x86-64 layout.
"""

import socket
import struct

IPPROTO_SCTP = 132
SOL_SCTP = 132
SCTP_SNDRCV = 1          # cmsg type
SCTP_INITMSG = 2
SCTP_NODELAY = 3
SCTP_EVENTS = 11
SCTP_STATUS = 14
SCTP_SOCKOPT_BINDX_ADD = 100
SCTP_SOCKOPT_CONNECTX = 110
MSG_EOR = 0x80
MSG_NOTIFICATION = 0x8000
PPID_M3UA = 3
STREAMS = 17


def available():
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP).close()
        return True
    except OSError:
        return False


def pack_addrs(addrs):
    """(host, port) pairs as packed struct sockaddr_in, the format of BINDX_ADD and CONNECTX."""
    out = b""
    for host, port in addrs:
        out += struct.pack("=H", socket.AF_INET) + struct.pack(">H", port) + socket.inet_aton(host) + bytes(8)
    return out


def sndrcvinfo(stream, ppid=PPID_M3UA):
    # stream, ssn, flags, 2 octets padding, ppid (passed to the wire unconverted: network
    # order), context, timetolive, tsn, cumtsn, assoc_id: 32 octets.
    return (struct.pack("=HHH2x", stream, 0, 0) + struct.pack(">I", ppid)
            + struct.pack("=IIIIi", 0, 0, 0, 0, 0))


def parse_sndrcvinfo(b):
    stream, ssn, flags = struct.unpack_from("=HHH", b, 0)
    (ppid,) = struct.unpack_from(">I", b, 8)
    return {"stream": stream, "ssn": ssn, "flags": flags, "ppid": ppid}


def new_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP)
    # struct sctp_initmsg: outbound streams, most inbound streams, attempts, init timeout.
    s.setsockopt(SOL_SCTP, SCTP_INITMSG, struct.pack("=HHHH", STREAMS, STREAMS, 0, 0))
    s.setsockopt(SOL_SCTP, SCTP_NODELAY, 1)
    # struct sctp_event_subscribe: sctp_data_io_event only, so every read carries its stream.
    s.setsockopt(SOL_SCTP, SCTP_EVENTS, b"\x01")
    return s


def bindx(s, addrs):
    s.bind(addrs[0])
    if len(addrs) > 1:
        s.setsockopt(SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD, pack_addrs(addrs[1:]))


def connectx(s, addrs):
    """Connect to every address of a multi-homed peer (blocks until the association is up)."""
    s.setsockopt(SOL_SCTP, SCTP_SOCKOPT_CONNECTX, pack_addrs(addrs))


def connect(addrs, timeout=None):
    s = new_socket()
    connectx(s, addrs)  # blocking: python's timeouts make the socket non-blocking
    s.settimeout(timeout)
    return s


def listen(addrs):
    s = new_socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bindx(s, addrs)
    s.listen(8)
    return s


def streams(s):
    """(inbound, outbound) streams of the association (struct sctp_status: instrms at 16)."""
    b = s.getsockopt(SOL_SCTP, SCTP_STATUS, 256)
    return struct.unpack_from("=HH", b, 16)


def send(s, msg, stream, ppid=PPID_M3UA):
    n = s.sendmsg([msg], [(SOL_SCTP, SCTP_SNDRCV, sndrcvinfo(stream, ppid))])
    if n != len(msg):
        raise OSError("partial SCTP send: %d of %d" % (n, len(msg)))


def recv(s, bufsize=65536):
    """One whole message: (bytes, stream, ppid, pieces read), or None at the association's end.
    A message larger than `bufsize` comes in several reads, the last with MSG_EOR."""
    data, info, pieces = b"", None, 0
    while True:
        d, anc, flags, _ = s.recvmsg(bufsize, socket.CMSG_SPACE(32))
        if not d and not flags & MSG_EOR:
            return None
        if flags & MSG_NOTIFICATION:
            continue
        pieces += 1
        data += d
        for level, typ, cd in anc:
            if level == SOL_SCTP and typ == SCTP_SNDRCV and info is None:
                info = parse_sndrcvinfo(cd)
        if flags & MSG_EOR:
            if info is None:
                raise OSError("SCTP message without sctp_sndrcvinfo")
            return data, info["stream"], info["ppid"], pieces


def abort(s):
    """Close with an ABORT instead of a graceful SHUTDOWN (SO_LINGER on, timeout 0)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
