# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_network_facts against a real libvirtd, a running TCG domain and a namespace-built host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

import lab

P = lab.LAB_PREFIX

# Defined only (never started): starting NAT or routed networks would add firewall rules and routes
# to this machine. The isolated, address-less ones are started: a bare bridge, no dnsmasq, no route.
NETWORKS = {
    P + 'nat-dhcp': """<network><name>{p}nat-dhcp</name><forward mode='nat'/>
        <bridge name='{p}nbr0' stp='on' delay='0'/>
        <ip address='198.18.113.1' netmask='255.255.255.0'><dhcp>
          <range start='198.18.113.100' end='198.18.113.199'/>
          <host mac='52:54:00:aa:bb:01' name='pinned' ip='198.18.113.50'/>
        </dhcp></ip></network>""",
    P + 'routed': """<network><name>{p}routed</name><forward mode='route'/>
        <bridge name='{p}rbr0'/><ip address='198.51.100.1' prefix='24'/></network>""",
    P + 'macvtap': """<network><name>{p}macvtap</name><forward mode='bridge'>
        <interface dev='{p}nodev0'/></forward></network>""",
    P + 'iso-a': """<network><name>{p}iso-a</name><bridge name='{p}abr0' stp='off' delay='0'/></network>""",
    P + 'iso-b': """<network><name>{p}iso-b</name><bridge name='{p}bbr0' stp='off' delay='0'/></network>""",
}
STARTED = (P + 'iso-a', P + 'iso-b')

DOMAIN = """<domain type='qemu'><name>{p}facts-vm</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='network'/></os>
  <devices>
    <interface type='network'><mac address='52:54:00:5e:00:01'/><source network='{p}iso-a'/>
      <model type='virtio'/></interface>
    <interface type='network'><mac address='52:54:00:5e:00:02'/><source network='{p}iso-b'/>
      <model type='e1000'/></interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices></domain>"""


@pytest.fixture(scope='module')
def libvirt_lab(libvirt_conn):
    created = []
    dom = None
    try:
        for name, xml in NETWORKS.items():
            net = libvirt_conn.networkDefineXML(xml.format(p=P))
            created.append(net)
            if name in STARTED:
                net.create()
        dom = libvirt_conn.defineXML(DOMAIN.format(p=P))
        dom.create()
        yield libvirt_conn
    finally:
        if dom is not None:
            if dom.isActive():
                dom.destroy()
            dom.undefine()
        for net in created:
            if net.isActive():
                net.destroy()
            net.undefine()


@pytest.fixture(scope='module')
def host_ns():
    """A "host": bridge br-lab over a veth with a DHCP-like address and a default route, a tap as a
    second bridge port, a macvlan and a macvtap on the veth's peer."""
    ns = lab.Netns('facts')
    try:
        run = ns.run
        run('ip', 'link', 'add', 'enp1s0', 'type', 'veth', 'peer', 'name', 'enp2s0')
        run('ip', 'link', 'add', 'br-lab', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
        run('ip', 'link', 'set', 'enp1s0', 'master', 'br-lab')
        run('ip', 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap')
        run('ip', 'link', 'set', 'tap0', 'master', 'br-lab')
        run('ip', 'link', 'add', 'macvlan0', 'link', 'enp2s0', 'type', 'macvlan', 'mode', 'bridge')
        run('ip', 'link', 'add', 'macvtap0', 'link', 'enp2s0', 'type', 'macvtap', 'mode', 'vepa')
        for dev in ('enp1s0', 'enp2s0', 'br-lab', 'tap0', 'macvlan0', 'macvtap0'):
            run('ip', 'link', 'set', dev, 'up')
        run('ip', 'addr', 'add', '198.51.100.10/24', 'dev', 'br-lab', 'valid_lft', '3600', 'preferred_lft', '3600')
        run('ip', 'addr', 'add', '198.18.113.5/24', 'dev', 'macvlan0')
        run('ip', 'addr', 'add', '2001:db8::10/64', 'dev', 'br-lab', 'nodad')
        run('ip', 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'br-lab')
        yield ns
    finally:
        ns.close()


@pytest.fixture(scope='module')
def facts_run(libvirt_lab, host_ns):  # pylint: disable=unused-argument,redefined-outer-name
    rc, result, out = lab.run_module('kvm_network_facts', netns=host_ns.name)
    assert rc == 0, out
    return result['ansible_facts']['kvm_host_network']


def test_libvirt_part(facts_run):
    assert facts_run['libvirt']['uri'] == lab.LIBVIRT_URI
    assert facts_run['libvirt']['version'].count('.') == 2


def test_networks(facts_run):
    nets = dict((n['name'], n) for n in facts_run['networks'] if n['name'].startswith(P))
    assert sorted(nets) == sorted(NETWORKS)
    nat = nets[P + 'nat-dhcp']
    assert (nat['forward_mode'], nat['bridge'], nat['dhcp_enabled'], nat['active']) == ('nat', P + 'nbr0', True, False)
    assert nat['dhcp_ranges'] == [{'start': '198.18.113.100', 'end': '198.18.113.199', 'family': 'ipv4'}]
    assert nat['dhcp_hosts'] == [{'mac': '52:54:00:aa:bb:01', 'id': None, 'ip': '198.18.113.50', 'name': 'pinned',
                                  'family': 'ipv4'}]
    assert nat['ips'] == [{'address': '198.18.113.1', 'prefix': 24, 'family': 'ipv4'}]
    routed = nets[P + 'routed']
    assert (routed['forward_mode'], routed['dhcp_enabled'], routed['ips'][0]['prefix']) == ('route', False, 24)
    macvtap = nets[P + 'macvtap']
    assert (macvtap['forward_mode'], macvtap['bridge'], macvtap['forward_devices']) == \
        ('bridge', None, [P + 'nodev0'])
    iso = nets[P + 'iso-a']
    assert (iso['forward_mode'], iso['bridge'], iso['active'], iso['persistent'], iso['dhcp_enabled']) == \
        (None, P + 'abr0', True, True, False)
    assert iso['uuid']


def test_interfaces_in_namespace(facts_run):
    links = dict((i['name'], i) for i in facts_run['interfaces'])
    assert 'eth0' not in links  # the namespace, not the machine, was read
    bridge = links['br-lab']
    assert (bridge['kind'], bridge['stp'], bridge['forward_delay'], bridge['ports']) == \
        ('bridge', False, 0, ['enp1s0', 'tap0'])
    v4 = [a for a in bridge['addresses'] if a['family'] == 'ipv4']
    assert v4 == [{'address': '198.51.100.10', 'prefix': 24, 'family': 'ipv4', 'scope': 'global', 'dynamic': True,
                   'valid_lifetime': v4[0]['valid_lifetime']}]
    assert 0 < v4[0]['valid_lifetime'] <= 3600
    assert (links['enp1s0']['kind'], links['enp1s0']['master']) == ('veth', 'br-lab')
    assert links['tap0']['kind'] == 'tap'
    assert (links['macvlan0']['kind'], links['macvlan0']['mode'], links['macvlan0']['parent']) == \
        ('macvlan', 'bridge', 'enp2s0')
    assert links['macvlan0']['addresses'][0]['dynamic'] is False
    assert (links['macvtap0']['kind'], links['macvtap0']['mode']) == ('macvtap', 'vepa')


def test_management(facts_run, host_ns):
    mac = lab.ip_json('link', 'show', 'br-lab', netns=host_ns.name)[0]['address']
    assert facts_run['management'] == {
        'interface': 'br-lab', 'kind': 'bridge', 'address': '198.51.100.10', 'prefix': 24, 'family': 'ipv4',
        'gateway': '198.51.100.1', 'method': 'dhcp', 'mac': mac, 'mtu': 1500}


def test_domain_and_taps(facts_run):
    doms = dict((d['name'], d) for d in facts_run['domains'])
    vm = doms[P + 'facts-vm']
    assert vm['state'] == 'running' and vm['domain_type'] == 'qemu'
    got = [(i['type'], i['source'], i['mac'], i['model']) for i in vm['interfaces']]
    assert got == [('network', P + 'iso-a', '52:54:00:5e:00:01', 'virtio'),
                   ('network', P + 'iso-b', '52:54:00:5e:00:02', 'e1000')]
    targets = [i['target'] for i in vm['interfaces']]
    assert all(targets)
    for index, target in enumerate(targets):
        assert facts_run['taps'][target]['domain'] == P + 'facts-vm'
        assert facts_run['taps'][target]['mac'] == vm['interfaces'][index]['mac']
        assert facts_run['taps'][target]['index'] == index
    # the taps really exist on the machine, on the networks' bridges
    for target, bridge in zip(targets, (P + 'abr0', P + 'bbr0')):
        link = lab.sh('ip', '-j', 'link', 'show', target).stdout
        assert '"master":"%s"' % bridge in link


def test_check_mode_returns_same_facts(facts_run, host_ns):
    rc, result, out = lab.run_module('kvm_network_facts', netns=host_ns.name, check=True)
    assert rc == 0, out
    facts = result['ansible_facts']['kvm_host_network']
    assert result['changed'] is False
    assert facts['management'] == facts_run['management']
    assert [n['name'] for n in facts['networks']] == [n['name'] for n in facts_run['networks']]
    assert facts['taps'] == facts_run['taps']


def test_management_ip_option(host_ns, libvirt_lab):  # pylint: disable=unused-argument
    args = {'management_ip': '198.18.113.5', 'gather_subset': ['interfaces']}
    rc, result, out = lab.run_module('kvm_network_facts', args, netns=host_ns.name)
    assert rc == 0, out
    facts = result['ansible_facts']['kvm_host_network']
    assert facts['management']['interface'] == 'macvlan0' and facts['management']['method'] == 'static'
    assert 'networks' not in facts and 'domains' not in facts and 'libvirt' in facts


def test_exclusion_subset(libvirt_lab):  # pylint: disable=unused-argument
    rc, result, out = lab.run_module('kvm_network_facts', {'gather_subset': ['!domains', '!interfaces']})
    assert rc == 0, out
    assert sorted(result['ansible_facts']['kvm_host_network']) == ['libvirt', 'networks']


def test_test_driver_uri():
    args = {'uri': 'test:///default', 'gather_subset': ['networks', 'domains']}
    rc, result, out = lab.run_module('kvm_network_facts', args)
    assert rc == 0, out
    facts = result['ansible_facts']['kvm_host_network']
    assert facts['libvirt']['hypervisor'] == 'TEST'
    assert [n['name'] for n in facts['networks']] == ['default']
    assert [d['name'] for d in facts['domains']] == ['test']


@pytest.mark.parametrize('args, message', [
    ({'uri': 'qemu+unix:///system?socket=/nonexistent/libvirt-sock'},
     'cannot connect to libvirt at qemu+unix:///system?socket=/nonexistent/libvirt-sock'),
    ({'uri': 'nosuchdriver:///x'}, 'cannot connect to libvirt at nosuchdriver:///x'),
    ({'gather_subset': ['networks', 'vlans']}, "unknown gather_subset 'vlans'"),
    ({'management_ip': '198.51.100.99'}, '198.51.100.99 is not assigned to any interface'),
    ({'management_ip': '198.51.100.99', 'gather_subset': ['networks']}, 'management_ip needs the interfaces subset'),
])
def test_bad_input_fails_cleanly(host_ns, args, message):
    rc, result, out = lab.run_module('kvm_network_facts', args, netns=host_ns.name)
    assert rc != 0
    assert message in result.get('msg', ''), out
    assert 'Traceback' not in out and 'exception' not in result
