# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MAAS client over Ansible's open_url against a loopback server that answers with raw bytes: a cut-short
body, an answer that is not HTTP, Retry-After, a redirect, a connection closed on a write - each gives what the
client promises, and a redirect never carries the Authorization header anywhere."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import threading

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.ansible_glue import open_url_transport
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.client import MaasClient, MaasError

KEY = 'consumerKEY:tokenKEY:tokenSECRET'
OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]'


class RawServer(object):
    """Answers the n-th connection with ``answers[n]`` (bytes; None closes it without a word) and keeps each
    request it read."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.answers:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b''
                while b'\r\n\r\n' not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.requests.append(data.decode('latin-1'))
                answer = self.answers.pop(0)
                if answer is not None:
                    conn.sendall(answer)

    @property
    def url(self):
        return 'http://127.0.0.1:%d/MAAS' % self.port

    def close(self):
        self.sock.close()


class Clock(object):
    def __init__(self):
        self.now, self.waits = 0.0, []

    def monotonic(self):
        return self.now

    def time(self):
        return 1800000000.0

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def serve():
    servers = []

    def start(*answers):
        servers.append(RawServer(*answers))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


def client(server, clock=None):
    return MaasClient(server.url, KEY, open_url_transport(), clock or Clock(), timeout=10, retries=1)


def test_a_cut_short_answer_names_maas_and_the_url(serve):
    short = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n[{"id"'
    server = serve(short, short)
    with pytest.raises(MaasError) as failure:
        client(server).get('fabrics/')
    message = str(failure.value)
    assert message.startswith('MAAS at %s/api/2.0/: the answer of GET %s/api/2.0/fabrics/ was cut short'
                              % (server.url, server.url)), message
    assert 'IncompleteRead' in message and len(server.requests) == 2           # a read is tried again


def test_an_answer_that_is_not_http(serve):
    server = serve(b'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n')
    with pytest.raises(MaasError, match=r'GET http://127.0.0.1:\d+/MAAS/api/2.0/fabrics/ did not answer HTTP') as failure:
        client(server).get('fabrics/')
    assert 'BadStatusLine' in str(failure.value) and 'tokenSECRET' not in str(failure.value)


def test_retry_after_is_waited_and_a_write_sent_again(serve):
    busy = (b'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n'
            b'Connection: close\r\n\r\nbusy')
    server = serve(busy, OK)
    clock = Clock()
    assert client(server, clock).post('machines/', hostname='node01') == []
    assert clock.waits == [3.0] and len(server.requests) == 2
    assert all(r.startswith('POST /MAAS/api/2.0/machines/ ') for r in server.requests)


def test_a_write_whose_connection_closes_is_not_sent_again(serve):
    server = serve(None, OK)
    with pytest.raises(MaasError, match='connection to .* was reset|did not answer HTTP'):
        client(server).post('machines/', hostname='node01')
    assert len(server.requests) == 1


def test_a_redirect_is_not_followed_and_the_key_goes_nowhere(serve):
    elsewhere = serve(OK)
    moved = ('HTTP/1.1 302 Found\r\nLocation: %s/api/2.0/fabrics/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
             % elsewhere.url).encode()
    server = serve(moved)
    with pytest.raises(MaasError, match='MAAS redirected to %s/api/2.0/fabrics/; the request is not sent there'
                       % elsewhere.url):
        client(server).get('fabrics/')
    assert len(server.requests) == 1 and 'tokenSECRET' in server.requests[0]   # the region itself got the key
    assert elsewhere.requests == []                                              # the other address got nothing
