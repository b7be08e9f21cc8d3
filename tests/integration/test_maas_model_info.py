# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_model_info over HTTP against the MAAS test double (kvmnet_lab.maas_double), on the loopback only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import shutil
import socket
import ssl
import tempfile
import threading

import pytest
import yaml
from kvmnet_lab import maas_double

import lab

ADMIN_KEY = 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:sEcReTtOkEnSeCrEtNeVeRsHoWn0'
STICKY, DISCOVERED = 1, 6


@pytest.fixture
def region():
    state = maas_double.MaasState()
    state.add_user('admin', ADMIN_KEY, admin=True)
    state.vlan(5001)['dhcp_on'] = True                      # MAAS serves DHCP on fabric-0 untagged
    state.vlan(5002)['relay_vlan'] = copy.deepcopy(state.vlan(5001))   # VLAN 10 relays to it
    relayed = state.add_subnet('198.51.100.0/24', 5002, gateway='198.51.100.1')
    state.add_range(relayed, '198.51.100.100', '198.51.100.199')
    state.add_node('kvm01x', 'kvm01', [('br0', 'bridge', 5001, ['enp1s0'], [('172.16.1.50', STICKY)]),
                                       ('enp1s0', 'physical', 5001, [], []),
                                       ('br1', 'bridge', 5002, ['enp2s0'], [('198.51.100.10', STICKY)])])
    state.add_node('kvm02x', 'kvm02', [('enp1s0', 'physical', 5001, [], [('172.16.1.60', DISCOVERED)])])
    with maas_double.serving(state) as server:
        yield server


def model_info(url, api_key=ADMIN_KEY, **args):
    return lab.run_module('maas_model_info', dict(args, url=url, api_key=api_key))


def test_host_found_by_static_address(region):
    rc, result, out = model_info(region.url + '/api/2.0/', host_addresses=['198.51.100.250', '172.16.1.50'])
    assert rc == 0, out
    assert result['host'] == {'system_id': 'kvm01x', 'hostname': 'kvm01', 'node_type': 'machine',
                              'matched_ip': '172.16.1.50', 'matched_interface': 'br0', 'alloc_type_name': 'STICKY'}
    model = result['maas_model']
    assert model['host_known'] is True
    assert [(i['name'], i['vlan'], i['parents']) for i in model['host_interfaces']] == [
        ('br0', 5001, ['enp1s0']), ('enp1s0', 5001, []), ('br1', 5002, ['enp2s0'])]
    vlans = dict((v['id'], v) for v in model['vlans'])
    assert vlans[5001]['dhcp_on'] is True and vlans[5002]['relay_vlan'] == 5001
    relayed = [s for s in model['subnets'] if s['cidr'] == '198.51.100.0/24'][0]
    assert relayed['ranges'] == [{'type': 'dynamic', 'start_ip': '198.51.100.100', 'end_ip': '198.51.100.199'}]
    assert relayed['allocated_ips'] == ['198.51.100.10']   # read: relayed VLAN the host is on
    assert result['api']['version'] == '3.5.4'
    assert ADMIN_KEY.split(':')[2] not in out


def test_host_found_by_an_address_maas_only_observed(region):
    rc, result, out = model_info(region.url, host_addresses=['172.16.1.60'])
    assert rc == 0, out
    assert result['host']['system_id'] == 'kvm02x' and result['host']['alloc_type_name'] == 'DISCOVERED'


def test_unknown_host_is_the_maas_2_4_case(region):
    rc, result, out = model_info(region.url, host_addresses=['203.0.113.77'])
    assert rc == 0, out
    assert result['host'] is None and result['maas_model']['host_known'] is False
    assert result['maas_model']['host_interfaces'] == []
    assert '203.0.113.77' in ' '.join(result.get('warnings', [])) or '203.0.113.77' in out
    # MAAS 2.4's behaviour for an unknown host: maas (then default) without libvirt DHCP, VLAN unchecked
    facts = {'networks': [{'name': 'maas', 'bridge': 'br0', 'forward_mode': 'bridge', 'dhcp_enabled': False,
                           'active': True}], 'interfaces': [{'name': 'br0', 'kind': 'bridge', 'ports': []}]}
    rc, picked, out = lab.run_module('kvm_attachment_select', {'facts': facts, 'maas_model': result['maas_model']})
    assert rc == 0 and picked['rule'] == 'unknown-host' and picked['attachments'][0]['source'] == 'maas', out


def test_requests_do_not_grow_with_other_subnets(region):
    before = len(region.log)
    model_info(region.url, host_addresses=['172.16.1.50'])
    first = len(region.log) - before
    for index in range(40):
        region.state.add_subnet('198.18.%d.0/24' % index, 5004)
    before = len(region.log)
    model_info(region.url, host_addresses=['172.16.1.50'])
    assert len(region.log) - before == first


def test_selection_from_fetched_model_equals_selection_from_yaml(region, tmp_path):
    rc, result, out = model_info(region.url, host_addresses=['172.16.1.50'])
    assert rc == 0, out
    facts = {'networks': [{'name': 'maas', 'bridge': 'br0', 'forward_mode': 'bridge', 'dhcp_enabled': False,
                           'active': True}],
             'interfaces': [{'name': 'br0', 'kind': 'bridge', 'ports': ['enp1s0']},
                            {'name': 'br1', 'kind': 'bridge', 'ports': ['enp2s0']}]}
    path = tmp_path / 'maas_model.yml'
    path.write_text(yaml.safe_dump(result['maas_model']))
    with open(str(path)) as handle:
        from_yaml = yaml.safe_load(handle)
    picks = [lab.run_module('kvm_attachment_select', {'facts': facts, 'maas_model': model})[1]
             for model in (result['maas_model'], from_yaml)]
    assert picks[0]['rule'] == 'preferred-network'
    assert picks[0]['attachments'] == picks[1]['attachments'] and picks[0]['candidates'] == picks[1]['candidates']


@pytest.mark.parametrize('api_key, words', [
    ('Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:wrongsecret', 'MAAS rejected the API key (401)'),
    ('just-one-part', 'api_key must be the MAAS API key in three parts'),
])
def test_bad_keys(region, api_key, words):
    rc, result, out = model_info(region.url, api_key=api_key, host_addresses=['172.16.1.50'])
    assert rc != 0 and words in result['msg'], out
    assert 'wrongsecret' not in out and 'just-one-part' not in result['msg']


def test_unreachable_url():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    rc, result, out = model_info('http://127.0.0.1:%d/MAAS' % port, host_addresses=['172.16.1.50'])
    assert rc != 0 and 'connection refused' in result['msg'], out


def test_url_answering_html(region):
    rc, result, out = model_info(region.url.replace('/MAAS', '/other'), host_addresses=['172.16.1.50'])
    assert rc != 0 and "not MAAS's JSON" in result['msg'], out


def test_tls_verification_failure(region):
    work = tempfile.mkdtemp(prefix='kvmnt-tls-')
    try:
        cert, key = os.path.join(work, 'cert.pem'), os.path.join(work, 'key.pem')
        lab.sh('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
               '-keyout', key, '-out', cert)
        server = maas_double.MaasDouble(region.state)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = server.url.replace('http://', 'https://')
            rc, result, out = model_info(url, host_addresses=['172.16.1.50'])
            assert rc != 0 and 'TLS verification' in result['msg'], out
            rc, result, out = model_info(url, host_addresses=['172.16.1.50'], ca_path=cert)
            assert rc == 0 and result['host']['hostname'] == 'kvm01', out  # the right CA: verified
        finally:
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
