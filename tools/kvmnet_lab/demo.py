# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: prove that a VM composed here PXE-boots from the provisioner, not from libvirt.

Stages: the lab (kvmnet_lab.netboot_lab) and a MAAS region - the test double of MAAS's API
(kvmnet_lab.maas_double), on the loopback, holding the lab's VLANs and subnets and the KVM host as a node ->
kvm_host.yml -> compose_vm.yml (the model read from the region with maas_model_info, the VM enlisted
with maas_machine) -> the VM's PXE request seen by the rack DHCP -> one summary. Exit 1 when the rack
DHCP did not see the VM's DHCPDISCOVER.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys
import time

from kvmnet_lab import REPO_ROOT, maas_double, netboot_lab
from kvmnet_lab.shell import sh

EXAMPLES = os.path.join(REPO_ROOT, 'examples', 'demo')
RESULT = os.path.join(netboot_lab.STATE, 'compose-result.json')
REGION_STATE = os.path.join(netboot_lab.STATE, 'maas-region.json')
STAGES = 6


def stage(number, text):
    print('[%d/%d] %s' % (number, STAGES, text), flush=True)


def playbook(name, *extra):
    cmd = ['ansible-playbook', '-i', os.path.join(EXAMPLES, 'inventory.yml'), 'kvmnet.netboot.%s' % name,
           '-e', '@' + os.path.join(EXAMPLES, 'lab.yml')] + list(extra)
    proc = sh(*cmd, check=False, merge=True)
    log = os.path.join(netboot_lab.STATE, '%s.log' % name)
    with open(log, 'w') as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        raise SystemExit('%s failed (rc=%d); full output in %s' % (name, proc.returncode, log))
    recap = re.findall(r'changed=(\d+)', proc.stdout)
    return sum(int(n) for n in recap), log


# The demo region's administrator key, and the address MAAS recorded for the KVM host (on the rack0 subnet).
DEMO_KEY = 'kvmnetDemoConsumer:kvmnetDemoToken:kvmnetDemoSecret'
HOST_ADDRESS = '198.51.100.5'


def start_region():
    """The MAAS test double, holding the lab's model and the KVM host as a machine with its interfaces."""
    import yaml  # pylint: disable=import-outside-toplevel
    with open(os.path.join(EXAMPLES, 'lab.yml')) as handle:
        model = yaml.safe_load(handle)['maas_model']
    state = maas_double.MaasState.from_maas_model(model)
    state.add_user('admin', DEMO_KEY, admin=True)
    interfaces = [(i['name'], i.get('type') or 'physical', i['vlan'], [],
                   [(HOST_ADDRESS, 1)] if i['name'] == 'br-kvmnt-lab0' else []) for i in model['host_interfaces']]
    state.add_node('kvmnt1', 'kvm-demo', interfaces)
    state.load_machines(REGION_STATE)  # what an earlier demo enlisted: a second run changes nothing
    return maas_double.MaasDouble(state).start()


def libvirt_dhcp_on_default():
    import libvirt  # pylint: disable=import-outside-toplevel
    try:
        return '<dhcp>' in netboot_lab.conn().networkLookupByName('default').XMLDesc(0)
    except libvirt.libvirtError:
        return False


def main():
    stage(1, 'lab: rack namespace with the provisioner DHCP (dnsmasq), veths, lab default network with libvirt DHCP '
             'on; a MAAS region (the API test double) on the loopback')
    netboot_lab.up()
    region = start_region()
    maas = ['-e', json.dumps({'maas_url': region.url, 'maas_api_key': DEMO_KEY, 'maas_host_addresses': [HOST_ADDRESS],
                              'maas_enlist': True})]
    try:
        return run_stages(region, maas)
    finally:
        region.stop()
        region.state.save_machines(REGION_STATE)


def run_stages(region, maas):
    trap_before = libvirt_dhcp_on_default()
    stage(2, 'kvm_host.yml: libvirt, bridge br-kvmnt-lab0 over kvmnt-lab0, libvirt DHCP off, maas network')
    host_changes, dummy = playbook('kvm_host', *maas)
    stage(3, 'compose_vm.yml: the model from MAAS, DHCP-aware attachment, a TCG VM, enlisted in MAAS')
    compose_changes, dummy = playbook('compose_vm', '-e', 'vm_result_file=%s' % RESULT, *maas)
    with open(RESULT) as handle:
        result = json.load(handle)
    stage(4, 'report.yml: Markdown report and SVG diagram of the host, VM included')
    report_changes, dummy = playbook('report', *maas)
    mac = result['pxe_mac']
    chosen = next(c for c in result['candidates'] if c['eligible'])
    stage(5, 'power-cycle the VM and wait for its PXE request at the rack DHCP (up to 180 s)')
    seen_before = len(netboot_lab.discover_lines(mac))
    dom = netboot_lab.conn().lookupByName(result['domain']['name'])
    dom.reset(0)
    seconds = netboot_lab.wait_for_discover(mac, 180, already=seen_before)
    stage(6, 'summary')
    trap = [c for c in result['candidates'] if c['dhcp'] == 'libvirt']
    print('')
    print('=' * 78)
    print('Chosen attachment : %s %s (rule %s)' % (chosen['type'], chosen['source'], result['rule']))
    print('Why               : %s' % chosen['reason'])
    for cand in trap:
        print('Refused           : %s %s - %s' % (cand['type'], cand['source'], cand['reason']))
    print('libvirt DHCP      : on the default network %s kvm_host.yml, %s after' % (
        'ON before' if trap_before else 'already off before', 'ON' if libvirt_dhcp_on_default() else 'off'))
    print('VM                : %s, PXE MAC %s' % (result['domain']['name'], mac))
    node = result.get('maas_host') or {}
    print('MAAS model        : read from %s by maas_model_info (%d requests); host matched to node %s (%s) by %s'
          % (region.url, len(region.log), node.get('hostname'), node.get('system_id'), node.get('matched_ip')))
    machine = result.get('maas_machine') or {}
    print('MAAS enlistment   : machine %s (%s, %s), power_type %s, power_address %s, power_id %s' % (
        machine.get('hostname'), machine.get('system_id'), machine.get('status_name'), result['maas']['power_type'],
        result['maas']['power_parameters']['power_address'], result['maas']['power_parameters']['power_id']))
    print('Playbook changes  : kvm_host %d, compose_vm %d, report %d'
          % (host_changes, compose_changes, report_changes))
    print('Report            : %s/localhost.md and .svg' % os.path.join(netboot_lab.STATE, 'reports'))
    if seconds is None:
        print('Rack DHCP         : NO DHCPDISCOVER from %s within 180 s (log: %s)' % (mac, netboot_lab.LOG))
        print('=' * 78)
        return 1
    print('Rack DHCP         : saw DHCPDISCOVER from %s %.1f s after the VM was reset' % (mac, seconds))
    print('=' * 78)
    print('`make demo-clean` removes the lab.')
    return 0


if __name__ == '__main__':
    started = time.monotonic()
    code = main()
    print('demo took %.0f s' % (time.monotonic() - started))
    sys.exit(code)
