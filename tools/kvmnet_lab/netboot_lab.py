# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The throwaway PXE lab of `make demo` and the end-to-end tests.

- a "rack" network namespace running dnsmasq as the provisioner's DHCP: 198.51.100.0/25 on rack0 and
  198.51.100.128/25 on rack1, no DNS, nothing routed anywhere;
- two veth pairs joining it to lab devices in the host namespace, kvmnt-lab0 and kvmnt-lab1, which
  carry no address (the machine's routes stay as they are);
- libvirt's packaged `default` network put aside (its definition and autostart flag saved) and a lab
  `default` on ``lab_default_cidr`` (examples/demo/lab.yml, 198.18.122.0/24) with libvirt DHCP on in its
  place: the trap. It is the only thing the lab puts in the host's own namespace; before creating it the
  lab refuses a subnet that collides with the machine's routes, addresses, nameservers or package
  sources (lab_safety). The host's `default` is put aside only while it is not running and no
  domain uses it: the lab never stops, redefines or un-autostarts a network it did not create.

State that outlives one command (the rack DHCP's pid, log and reservations, the saved `default`) is in
/run/kvmnet-lab/demo, root's alone (lab_state).

`python3 -m kvmnet_lab.netboot_lab up|down|status`. `down` removes every trace, including the VMs, volumes
and networks the demo playbooks made, and puts the packaged `default` back as it was (never started).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import re
import shutil
import signal
import sys
import time

import yaml
from lxml import etree

from kvmnet_lab import REPO_ROOT, lab_safety, lab_state
from kvmnet_lab.shell import in_netns, ip_json, sh

RACK_NS = 'kvmnt-rack'
STATE = os.path.join(lab_state.LAB_RUN, 'demo')
LOG = os.path.join(STATE, 'rack-dhcp.log')
PID = os.path.join(STATE, 'rack-dnsmasq.pid')
# MAC-bound reservations the MAAS region (the test double) writes before its API answers, as MAAS updates
# its DHCP configuration; the rack dnsmasq reads the directory again whenever it changes.
HOSTS_DIR = os.path.join(STATE, 'dhcp-hosts')
SAVED_DEFAULT = os.path.join(STATE, 'packaged-default.json')
LINKS = (('kvmnt-lab0', 'rack0', '198.51.100.1/25', '198.51.100.10,198.51.100.100'),
         ('kvmnt-lab1', 'rack1', '198.51.100.129/25', '198.51.100.150,198.51.100.200'))
PREFIX = 'kvmnt-'
LAB_VARS = os.path.join(REPO_ROOT, 'examples', 'demo', 'lab.yml')
LAB_DEFAULT_BRIDGE = PREFIX + 'dflt0'


def lab_default_cidr():
    """The lab `default` network's subnet: ``lab_default_cidr`` of examples/demo/lab.yml."""
    with open(LAB_VARS) as handle:
        return yaml.safe_load(handle)['lab_default_cidr']


def lab_default_addresses(cidr=None):
    """(gateway, first DHCP address, last DHCP address, prefix) of the lab `default` network."""
    net = ipaddress.ip_network(cidr or lab_default_cidr())
    return str(net[1]), str(net[100]), str(net[199]), net.prefixlen


def lab_default_xml(cidr=None):
    """The lab `default`: NAT, a bridge of its own, libvirt DHCP on (the trap), built with lxml."""
    gateway, first, last, prefix = lab_default_addresses(cidr)
    root = etree.Element('network')
    etree.SubElement(root, 'name').text = 'default'
    etree.SubElement(root, 'forward', mode='nat')
    etree.SubElement(root, 'bridge', name=LAB_DEFAULT_BRIDGE, stp='on', delay='0')
    ip = etree.SubElement(root, 'ip', address=gateway, prefix=str(prefix))
    etree.SubElement(etree.SubElement(ip, 'dhcp'), 'range', start=first, end=last)
    return etree.tostring(root, encoding='unicode')


def start_lab_default(c):
    """Define and start the lab `default`, after checking its subnet is clear of the machine's own."""
    cidr = lab_default_cidr()
    lab_safety.check_lab_subnet(cidr, 'lab_default_cidr in examples/demo/lab.yml')
    net = c.networkDefineXML(lab_default_xml(cidr))
    net.create()
    return net


def rack(*cmd, **kwargs):
    return in_netns(RACK_NS, *cmd, **kwargs)


def netns_exists():
    return RACK_NS in sh('ip', 'netns', 'list').stdout.split()


def dnsmasq_pid():
    """The rack dnsmasq's pid, when the lab's state directory is root's and that process is a dnsmasq."""
    return lab_state.running_pid(PID, lab_state.process_named('dnsmasq'))


def conn():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda _c, _e: None, None)
    return libvirt.open('qemu:///system')


class ForeignNetworkInUse(Exception):
    """The host's own `default` network is running or used by a domain: the lab leaves it alone."""


def is_lab_network(xml):
    """A network the lab or the demo playbooks made: on a bridge (or over a device) named kvmnt-..."""
    return PREFIX in xml


def domains_on(c, network):
    """The names of the domains (defined or running) with a NIC on libvirt network ``network``."""
    import libvirt  # pylint: disable=import-outside-toplevel
    names = []
    for dom in c.listAllDomains(0):
        root = etree.fromstring(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE).encode())
        if root.findall("devices/interface/source[@network='%s']" % network):
            names.append(dom.name())
    return names


def borrow_default(c):
    """Put the host's own `default` network aside so that the lab's can take its name: only when it is not
    running and no domain uses it (never stopped, never redefined). -> {'xml', 'autostart'} to give back,
    None when there is no `default`, 'lab' when it is the lab's already. Raises ForeignNetworkInUse."""
    import libvirt  # pylint: disable=import-outside-toplevel
    try:
        net = c.networkLookupByName('default')
    except libvirt.libvirtError:
        return None
    xml = net.XMLDesc(0)  # not running: its definition
    if is_lab_network(xml):
        return 'lab'
    if net.isActive():
        raise ForeignNetworkInUse("this host's libvirt network 'default' is running: the lab will not stop it. Stop it "
                                  "yourself (virsh net-destroy default) if nothing needs it, or run the lab elsewhere")
    users = domains_on(c, 'default')
    if users:
        raise ForeignNetworkInUse("domains %s use this host's libvirt network 'default': the lab will not put it aside"
                                  % ', '.join(sorted(users)))
    saved = {'xml': xml, 'autostart': bool(net.autostart())}
    net.undefine()
    return saved


def give_back_default(c, saved):
    """Remove the lab's `default` and define the host's own again as it was (its autostart flag too; not
    started: the packaged one is 192.168.122.0/24)."""
    import libvirt  # pylint: disable=import-outside-toplevel
    try:
        net = c.networkLookupByName('default')
    except libvirt.libvirtError:
        net = None
    if net is not None and is_lab_network(net.XMLDesc(0)):
        if net.isActive():
            net.destroy()
        net.undefine()
        net = None
    if net is None and isinstance(saved, dict):
        c.networkDefineXML(saved['xml']).setAutostart(1 if saved['autostart'] else 0)


def lab_default(c):
    """Swap the host's `default` network for the lab one (once); leave a lab one as the demo left it."""
    saved = borrow_default(c)
    if saved == 'lab':
        net = c.networkLookupByName('default')
        if not net.isActive():
            net.create()
        return
    if saved is not None and not os.path.exists(SAVED_DEFAULT):
        with open(SAVED_DEFAULT, 'w') as handle:
            json.dump(saved, handle)
        os.chmod(SAVED_DEFAULT, 0o600)
    try:
        start_lab_default(c)
    except Exception:
        give_back_default(c, saved)
        raise


def up():
    lab_state.state_dir('demo')
    os.makedirs(HOSTS_DIR, exist_ok=True)
    if not netns_exists():
        sh('ip', 'netns', 'add', RACK_NS)
        rack('ip', 'link', 'set', 'lo', 'up')
    for host_end, rack_end, address, dummy in LINKS:
        if not os.path.exists('/sys/class/net/%s' % host_end):
            sh('ip', 'link', 'add', host_end, 'type', 'veth', 'peer', 'name', rack_end, 'netns', RACK_NS)
        sh('ip', 'link', 'set', host_end, 'up')
        rack('ip', 'link', 'set', rack_end, 'up')
        if address.split('/', maxsplit=1)[0] not in rack('ip', '-j', 'addr', 'show', 'dev', rack_end).stdout:
            rack('ip', 'addr', 'add', address, 'dev', rack_end)
    if dnsmasq_pid() is None:
        args = ['dnsmasq', '--conf-file=/dev/null', '--port=0', '--bind-interfaces', '--user=root',
                '--log-dhcp', '--log-facility=%s' % LOG, '--pid-file=%s' % PID,
                '--dhcp-leasefile=%s' % os.path.join(STATE, 'rack.leases'), '--dhcp-hostsdir=%s' % HOSTS_DIR]
        for dummy, rack_end, dummy2, span in LINKS:
            args += ['--interface=%s' % rack_end, '--dhcp-range=%s,2m' % span]
        rack(*args)
    lab_default(conn())


def lab_reason(c, dom):
    """Why domain ``dom`` is the lab's (a reason), or None: its name (kvmnt-...), or a NIC on a lab network
    (kvmnt-..., or the lab's `maas`/`default`), a lab bridge (br-kvmnt-..., kvmnt-...) or a macvlan on a lab link."""
    import libvirt  # pylint: disable=import-outside-toplevel
    if dom.name().startswith(PREFIX):
        return 'a lab name'
    lab_networks = set()
    for net in c.listAllNetworks(0):
        if net.name().startswith(PREFIX) or is_lab_network(net.XMLDesc(0)):
            lab_networks.add(net.name())
    root = etree.fromstring(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE).encode())
    for source in root.findall('devices/interface/source'):
        if source.get('network') in lab_networks:
            return 'a NIC on the lab network %s' % source.get('network')
        for attr in ('bridge', 'dev'):
            value = source.get(attr) or ''
            if value.startswith(('br-kvmnt', PREFIX)):
                return 'a NIC on the lab device %s' % value
    return None


def remove_libvirt_objects(c, say=print):
    """Remove what the lab and the playbooks run on it made; ``say`` each thing removed or left, and why."""
    import libvirt  # pylint: disable=import-outside-toplevel
    for dom in c.listAllDomains(0):
        why = lab_reason(c, dom)
        if why is None:
            say('left     domain %s: nothing of it is the lab\'s' % dom.name())
            continue
        if dom.isActive():
            dom.destroy()
        if dom.isPersistent():
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM | libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        say('removed  domain %s (%s)' % (dom.name(), why))
    for pool in c.listAllStoragePools(0):
        if pool.name().startswith(PREFIX):
            if pool.isActive():
                for vol in pool.listAllVolumes(0):
                    vol.delete(0)
                pool.destroy()
            pool.undefine()
            say('removed  storage pool %s' % pool.name())
    for net in c.listAllNetworks(0):
        if net.name().startswith(PREFIX) or (net.name() == 'maas' and is_lab_network(net.XMLDesc(0))):
            if net.isActive():
                net.destroy()
            if net.isPersistent():
                net.undefine()
            say('removed  network %s' % net.name())
    saved = None
    if os.path.exists(SAVED_DEFAULT):
        lab_state.check_owned(STATE)
        with open(SAVED_DEFAULT) as handle:
            saved = json.load(handle)
    give_back_default(c, saved)
    if saved is not None:
        os.unlink(SAVED_DEFAULT)
        say('restored network default: this host\'s own definition, autostart %s, not started'
            % ('on' if saved.get('autostart') else 'off'))
    for net in c.listAllNetworks(0):
        if not (net.name().startswith(PREFIX) or is_lab_network(net.XMLDesc(0))) and not (
                net.name() == 'default' and saved is not None):
            say('left     network %s: not the lab\'s' % net.name())


def down(say=print):
    # power_path and lab_up build on this module: imported here, not at the top
    from kvmnet_lab import lab_up, power_path  # pylint: disable=import-outside-toplevel
    if os.path.isdir(STATE):
        if lab_up.stop_region():
            say('stopped  the lab\'s MAAS region (%s)' % lab_up.URL)
        power_path.down(say)
        if os.path.exists(os.path.join(STATE, 'maas-region.json')):
            say('removed  the MAAS double\'s records of the demo (%s)' % os.path.join(STATE, 'maas-region.json'))
    pid = dnsmasq_pid()
    if pid:
        os.kill(pid, signal.SIGTERM)
        say('stopped  the rack DHCP (dnsmasq %d)' % pid)
    remove_libvirt_objects(conn(), say)
    for link in ip_json('link', 'show'):
        if link['ifname'].startswith(('br-kvmnt', PREFIX)):
            sh('ip', 'link', 'del', link['ifname'], check=False)
            say('removed  link %s' % link['ifname'])
    if netns_exists():
        sh('ip', 'netns', 'del', RACK_NS)
        say('removed  network namespace %s' % RACK_NS)
    if os.path.isdir(STATE):
        lab_state.check_owned(STATE)
        shutil.rmtree(STATE)
        say('removed  %s' % STATE)


def offer_lines(mac, address):
    """The rack DHCP's DHCPOFFER lines of ``address`` to ``mac``."""
    if not os.path.exists(LOG):
        return []
    pattern = re.compile(r'DHCPOFFER\(rack\d\) %s %s' % (re.escape(address), re.escape(mac.lower())))
    with open(LOG) as handle:
        return [line for line in handle if pattern.search(line)]


def discover_lines(mac):
    if not os.path.exists(LOG):
        return []
    with open(LOG) as handle:
        return [line for line in handle if re.search(r'DHCPDISCOVER\(rack\d\) %s' % re.escape(mac.lower()), line)]


def discover_vendor_classes(mac):
    """The vendor class (DHCP option 60) of each DHCPDISCOVER from ``mac``, in order: ``PXEClient:Arch:00000:...``
    for a BIOS PXE ROM, ``PXEClient:Arch:00007:...`` for EFI x64 (None when the request carried none). dnsmasq's
    --log-dhcp numbers the lines of one request alike."""
    if not os.path.exists(LOG):
        return []
    by_serial, order = {}, []
    discover = re.compile(r'DHCPDISCOVER\(rack\d\) %s' % re.escape(mac.lower()))
    with open(LOG) as handle:
        for line in handle:
            match = re.search(r'dnsmasq-dhcp\[\d+\]: (\d+) (.*)$', line)
            if not match:
                continue
            serial, text = match.groups()
            if text.startswith('vendor class: '):
                by_serial[serial] = text[len('vendor class: '):].strip()
            elif discover.search(text):
                order.append(serial)
    return [by_serial.get(serial) for serial in order]


def wait_for_discover(mac, timeout, already=0):
    """Seconds until the rack DHCP logged a new DHCPDISCOVER from ``mac`` (beyond ``already`` lines), or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if len(discover_lines(mac)) > already:
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def status():
    print(json.dumps({'rack_namespace': netns_exists(), 'rack_dhcp_pid': dnsmasq_pid(),
                      'lab_links': [h for h, dummy, dummy2, dummy3 in LINKS if os.path.exists('/sys/class/net/' + h)]},
                     indent=2))


if __name__ == '__main__':
    try:
        {'up': up, 'down': down, 'status': status}[sys.argv[1] if len(sys.argv) > 1 else 'status']()
    except (ForeignNetworkInUse, lab_state.UnsafeStateDir, lab_safety.LabCollision) as exc:
        sys.exit('netboot lab: %s' % exc)
