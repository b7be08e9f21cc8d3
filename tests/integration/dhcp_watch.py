# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Watch DHCP on a lab link with a raw packet socket: which client asked, which server answered.

Only reads frames on the given interface (in the caller's network namespace); sends nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import struct
import threading
import time

ETH_P_ALL = 0x0003
DHCP_TYPES = {1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE',
              8: 'INFORM'}
MAGIC = b'\x63\x82\x53\x63'


def _mac(raw):
    return ':'.join('%02x' % b for b in bytearray(raw))


def parse_dhcp(frame):
    """(type, client MAC, server IP) of a DHCPv4 frame, or None."""
    if len(frame) < 14 + 20 + 8 + 240:
        return None
    offset = 14
    ethertype = struct.unpack('!H', frame[12:14])[0]
    if ethertype == 0x8100:  # 802.1Q tag
        ethertype = struct.unpack('!H', frame[16:18])[0]
        offset = 18
    if ethertype != 0x0800 or frame[offset + 9] != 17:
        return None
    ihl = (frame[offset] & 0x0f) * 4
    src_ip = socket.inet_ntoa(frame[offset + 12:offset + 16])
    udp = offset + ihl
    src_port, dst_port = struct.unpack('!HH', frame[udp:udp + 4])
    if (src_port, dst_port) not in ((68, 67), (67, 68)):
        return None
    bootp = udp + 8
    if frame[bootp + 236:bootp + 240] != MAGIC:
        return None
    client = _mac(frame[bootp + 28:bootp + 34])
    pos = bootp + 240
    kind = None
    while pos < len(frame) and frame[pos] != 255:
        code = frame[pos]
        if code == 0:
            pos += 1
            continue
        length = frame[pos + 1]
        if code == 53:
            kind = DHCP_TYPES.get(frame[pos + 2], str(frame[pos + 2]))
        pos += 2 + length
    return kind, client, src_ip


class DhcpWatch(object):
    """Collect DHCP events on ``ifname`` in a background thread until stopped."""

    def __init__(self, ifname):
        self.ifname = ifname
        self.events = []
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._sock.bind((ifname, 0))
        self._sock.settimeout(0.5)
        self._thread = threading.Thread(target=self._run)
        self._thread.daemon = True
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                frame = self._sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            event = parse_dhcp(frame)
            if event:
                self.events.append((time.monotonic() - self.started,) + event)

    def wait_for(self, kind, client, timeout):
        """Seconds after the start at which ``kind`` for ``client`` was seen, or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for seconds, seen_kind, seen_client, dummy in list(self.events):
                if seen_kind == kind and seen_client == client:
                    return seconds
            time.sleep(0.2)
        return None

    def seen(self, kind, client):
        return [e for e in self.events if e[1] == kind and e[2] == client]

    def stop(self):
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
