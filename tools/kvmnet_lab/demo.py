# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: prove that VMs composed here PXE-boot from the provisioner, not from libvirt - powered on by MAAS.

Stages: the lab (kvmnet_lab.netboot_lab), its power path (kvmnet_lab.power_path: a link from the rack namespace
to a real sshd on this host) and a MAAS region - the test double of MAAS's API (kvmnet_lab.maas_double), on the
loopback, holding the lab's VLANs and subnets and the KVM host as a node -> kvm_host.yml (with the role
maas_power_access: MAAS's power user, the rack's key forced to libvirt, polkit rules) -> compose_vm.yml twice, a
BIOS and a UEFI (OVMF) VM, defined but not started, granted to the power user and enlisted with
maas_machine -> MAAS commissions each: the double acts as the rack and runs MAAS's virsh driver sequence
through the sshd with the rack's key (``domstate``, then ``start``) -> each VM's PXE request seen by the rack
DHCP, the UEFI one with client architecture 7 (EFI x64) -> one summary. The lab never starts or resets a VM
itself. Exit 1 when MAAS could not power a VM on, or the rack DHCP did not see its DHCPDISCOVER.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys
import threading
import time
import urllib.request

from kvmnet_lab import REPO_ROOT, lab_up, maas_double, netboot_lab, power_path
from kvmnet_lab.maas_double.rack import PowerError
from kvmnet_lab.modules import run_module_file
from kvmnet_lab.shell import sh

EXAMPLES = os.path.join(REPO_ROOT, 'examples', 'demo')
REGION_STATE = os.path.join(netboot_lab.STATE, 'maas-region.json')
STAGES = 7
# (firmware, VM name, extra variables): compose_vm.yml's vm_* variables
VMS = (('BIOS', 'kvmnt-demo-vm', {}),
       ('UEFI', 'kvmnt-demo-uefi', {'vm_firmware': 'uefi', 'vm_memory_mib': 512}))
POWER_WAIT = 90     # s for MAAS's rack to power a VM on after commissioning starts
DISCOVER_WAIT = 240  # s from power-on to the DHCPDISCOVER (TCG; OVMF takes longest)
ARCHES = {'00000': 'x86 BIOS', '00007': 'EFI x64', '00009': 'EFI x64 (9)'}


def stage(number, text):
    print('[%d/%d] %s' % (number, STAGES, text), flush=True)


def playbook(name, *extra, **kwargs):
    cmd = ['ansible-playbook', '-i', os.path.join(EXAMPLES, 'inventory.yml'), 'kvmnet.netboot.%s' % name,
           '-e', '@' + os.path.join(EXAMPLES, 'lab.yml')] + list(extra)
    proc = sh(*cmd, check=False, merge=True)
    log = os.path.join(netboot_lab.STATE, '%s.log' % kwargs.get('log', name))
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


class DemoRack(object):
    """What the double's commissioning calls: MAAS's rack powering the machine - its virsh driver sequence through
    the lab's sshd with the rack's key. Records, per machine, when the VM was powered on and how."""

    def __init__(self, rack, state):
        self.rack = rack
        self.state = state
        self.events = {}
        self.changed = threading.Condition()

    def __call__(self, system_id, power_type, parameters):
        machine = self.state.machines.get(system_id) or {}
        mac = (machine.get('boot_interface') or {}).get('mac_address')
        event = {'system_id': system_id, 'power_type': power_type, 'mac': mac,
                 'power_address': parameters.get('power_address'), 'power_id': parameters.get('power_id'),
                 'discovers_before': len(netboot_lab.discover_lines(mac)) if mac else 0}
        try:
            if power_type != 'virsh':
                raise PowerError('power type %s: the lab\'s rack runs only the virsh driver' % power_type)
            event['result'] = self.rack.power_cycle(event['power_address'], event['power_id'])
            event['at'] = time.monotonic()
            self._watch_for_discover(event)
            # The lab serves no boot image, so the VM gets no further than its PXE request, and its firmware would
            # keep retrying under TCG (OVMF spins a CPU): the rack powers it off again, through the same path.
            event['off'] = self.rack.power_off(event['power_address'], event['power_id'])
        except PowerError as exc:
            event['error'] = str(exc)
        with self.changed:
            self.events[system_id] = event
            self.changed.notify_all()

    @staticmethod
    def _watch_for_discover(event):
        """From the power-on, the VM's first DHCPDISCOVER at the rack DHCP: ``discover_s`` (None: none within
        DISCOVER_WAIT) and the request's ``vendor_class``."""
        event['discover_s'] = None
        while event['mac'] and time.monotonic() - event['at'] < DISCOVER_WAIT:
            if len(netboot_lab.discover_lines(event['mac'])) > event['discovers_before']:
                event['discover_s'] = time.monotonic() - event['at']
                classes = netboot_lab.discover_vendor_classes(event['mac'])
                event['vendor_class'] = classes[event['discovers_before']] \
                    if len(classes) > event['discovers_before'] else None
                return
            time.sleep(0.25)

    def wait(self, system_id, timeout):
        with self.changed:
            self.changed.wait_for(lambda: system_id in self.events, timeout)
            return self.events.get(system_id)


def start_region(port=0):
    """The MAAS test double on the loopback (``port``: 0 for any), holding the lab's model and the KVM host as a
    machine with its interfaces."""
    import yaml  # pylint: disable=import-outside-toplevel
    with open(os.path.join(EXAMPLES, 'lab.yml')) as handle:
        model = yaml.safe_load(handle)['maas_model']
    state = maas_double.MaasState.from_maas_model(model)
    state.add_user('admin', DEMO_KEY, admin=True)
    interfaces = [(i['name'], i.get('type') or 'physical', i['vlan'], [],
                   [(HOST_ADDRESS, 1)] if i['name'] == 'br-kvmnt-lab0' else []) for i in model['host_interfaces']]
    state.add_node('kvmnt1', 'kvm-demo', interfaces)
    state.load_machines(REGION_STATE)  # what an earlier demo enlisted: a second run changes nothing
    return maas_double.MaasDouble(state, ('127.0.0.1', port)).start()


def commission(region, system_id):
    """``maas admin machine commission <system_id>``, as an operator would for a machine MAAS has already."""
    consumer, token, secret = DEMO_KEY.split(':')
    header = ('OAuth oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="%s", '
              'oauth_token="%s", oauth_signature="&%s", oauth_nonce="demo%d", oauth_timestamp="%d"'
              % (consumer, token, secret, time.time() * 1000, time.time()))
    request = urllib.request.Request('%s/api/2.0/machines/%s/?op=commission' % (region.url, system_id), data=b'',
                                     headers={'Authorization': header}, method='POST')
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec - the double on the loopback
        return json.load(answer)['status_name']


def libvirt_dhcp_on_default():
    import libvirt  # pylint: disable=import-outside-toplevel
    try:
        return '<dhcp>' in netboot_lab.conn().networkLookupByName('default').XMLDesc(0)
    except libvirt.libvirtError:
        return False


def main():
    stage(1, 'lab: rack namespace with the provisioner DHCP (dnsmasq), veths, lab default network with libvirt DHCP '
             'on; the power link to a real sshd here; a MAAS region (the API test double) on the loopback')
    netboot_lab.up()
    rack, power_host = power_path.up()
    lab_up.stop_region()  # `make lab`'s region keeps what it enlisted in the same file: one region at a time
    region = start_region()
    demo_rack = DemoRack(rack, region.state)
    region.state.commissioning_hook = demo_rack
    maas = ['-e', json.dumps({'maas_url': region.url, 'maas_api_key': DEMO_KEY, 'maas_host_addresses': [HOST_ADDRESS],
                              'maas_enlist': True})]
    try:
        return run_stages(region, maas, demo_rack, power_host)
    finally:
        region.stop()
        region.state.save_machines(REGION_STATE)


def compose(region, maas, demo_rack, power_host, name, extra):
    """compose_vm.yml for one VM, defined but not started, enlisted; MAAS commissions it (an operator asks, when
    MAAS had it already). -> (compose_vm's outcome, playbook changes)."""
    result_file = os.path.join(netboot_lab.STATE, '%s.json' % name)
    variables = dict(extra, vm_name=name, vm_state='present', vm_power_host=power_host, vm_result_file=result_file)
    since = len(region.log)
    changes, dummy = playbook('compose_vm', '-e', json.dumps(variables), *maas, log='compose_vm-%s' % name)
    with open(result_file) as handle:
        result = json.load(handle)
    system_id = (result.get('maas_machine') or {}).get('system_id')
    if system_id and 'POST machines/' not in region.writes(since):
        with demo_rack.changed:
            demo_rack.events.pop(system_id, None)
        commission(region, system_id)
    return result, changes


def wait_for_pxe(demo_rack, result):
    """MAAS's power-on of the VM and its DHCPDISCOVER (the rack's event), or what went wrong."""
    system_id = (result.get('maas_machine') or {}).get('system_id')
    event = demo_rack.wait(system_id, POWER_WAIT + DISCOVER_WAIT) if system_id else None
    return event or {'error': 'MAAS did not power %s on within %d s' % (result['domain']['name'], POWER_WAIT)}


def trap_refusals():
    """What the selection refuses on this host before kvm_host.yml, and why - libvirt's own DHCP on `default` (the
    trap) among it: kvm_attachment_select against the lab's model, as the host is now."""
    import yaml  # pylint: disable=import-outside-toplevel
    with open(os.path.join(EXAMPLES, 'lab.yml')) as handle:
        model = yaml.safe_load(handle)['maas_model']
    result = run_module_file('kvm_attachment_select', {'maas_model': model})
    return [c for c in result.get('candidates') or [] if not c['eligible']]


def run_stages(region, maas, demo_rack, power_host):
    trap_before = libvirt_dhcp_on_default()
    refused_before = trap_refusals()
    stage(2, 'kvm_host.yml: libvirt, bridge br-kvmnt-lab0 over kvmnt-lab0, libvirt DHCP off, maas network; MAAS '
             'power access (user %s, the rack\'s key forced to libvirt, polkit rules)' % power_path.POWER_USER)
    power = ['-e', json.dumps({'kvm_host_maas_power': True, 'maas_power_access_keys': [demo_rack.rack.public_key()]})]
    host_changes, dummy = playbook('kvm_host', *(maas + power))
    power_path.mark_access_on()
    results, compose_changes = {}, 0
    for number, (firmware, name, extra) in enumerate(VMS):
        stage(3 + number, 'compose_vm.yml: the model from MAAS, DHCP-aware attachment, a %s TCG VM %s, defined (not '
                          'started), granted to MAAS\'s power user, enlisted - MAAS commissions it' % (firmware, name))
        results[firmware], changes = compose(region, maas, demo_rack, power_host, name, extra)
        compose_changes += changes
    stage(5, 'report.yml: Markdown report and SVG diagram of the host, VMs included')
    report_changes, dummy = playbook('report', *maas)
    stage(6, 'MAAS\'s rack powers each VM on over qemu+ssh; its PXE request at the rack DHCP (up to %d s)'
          % DISCOVER_WAIT)
    events = dict((firmware, wait_for_pxe(demo_rack, results[firmware])) for firmware, dummy, dummy2 in VMS)
    stage(7, 'summary')
    return summary(region, results, events, (trap_before, refused_before),
                   (host_changes, compose_changes, report_changes))


def arch_of(vendor_class):
    match = re.match(r'PXEClient:Arch:(\d{5})', vendor_class or '')
    return ('%s, %s' % (match.group(0), ARCHES.get(match.group(1), 'architecture %d' % int(match.group(1))))
            if match else 'no PXE vendor class')


def summary(region, results, events, before, changes):
    trap_before, refused_before = before
    result = results['BIOS']
    chosen = next(c for c in result['candidates'] if c['eligible'])
    print('')
    print('=' * 78)
    # what the selection refused, and why - before kvm_host.yml (libvirt's own DHCP on `default`, the trap) and
    # when the VM was composed - then what it chose
    for cand in refused_before:
        print('Refused (before)  : %s %s - %s' % (cand['type'], cand['source'], cand['reason']))
    for cand in result['candidates']:
        if not cand['eligible']:
            print('Refused           : %s %s - %s' % (cand['type'], cand['source'], cand['reason']))
    print('Chosen attachment : %s %s (rule %s) - %s'
          % (chosen['type'], chosen['source'], result['rule'], chosen['reason']))
    print('libvirt DHCP      : on the default network it was %s before kvm_host.yml and is %s now' % (
        'ON (the trap)' if trap_before else 'off already', 'ON' if libvirt_dhcp_on_default() else 'off'))
    node = result.get('maas_host') or {}
    print('MAAS model        : read from %s by maas_model_info; host matched to node %s (%s) by %s'
          % (region.url, node.get('hostname'), node.get('system_id'), node.get('matched_ip')))
    ok = True
    for firmware, dummy, dummy2 in VMS:
        result, event = results[firmware], events[firmware]
        machine = result.get('maas_machine') or {}
        power = result['maas']['power_parameters']
        print('%-18s: %s, PXE MAC %s; MAAS machine %s (%s), power_type %s, power_id %s' % (
            'VM (%s)' % firmware, result['domain']['name'], result['pxe_mac'], machine.get('hostname'),
            machine.get('system_id'), result['maas']['power_type'], power['power_id']))
        if '//root@' in power['power_address']:
            print('%-18s: power_address %s logs in as root' % ('  NOT SAFE', power['power_address']))
            ok = False
        if 'error' in event:
            print('%-18s: %s' % ('  MAAS power', event['error']))
            ok = False
            continue
        print('%-18s: powered on by MAAS (virsh driver) over %s (domstate, then %s)' % (
            '  MAAS power', event['power_address'], 'start' if event['result'] == 'started' else event['result']))
        if event.get('discover_s') is None:
            print('%-18s: NO DHCPDISCOVER from %s within %d s of the power-on (log: %s)' % (
                '  Rack DHCP', result['pxe_mac'], DISCOVER_WAIT, netboot_lab.LOG))
            ok = False
            continue
        print('%-18s: DHCPDISCOVER %.1f s after MAAS\'s power-on, %s' % (
            '  Rack DHCP', event['discover_s'], arch_of(event.get('vendor_class'))))
        print('%-18s: %s by MAAS over the same path (domstate, then destroy): the lab serves no boot image to go '
              'on with' % ('  then', 'powered off' if event['off'] == 'stopped' else event['off']))
        if firmware == 'UEFI' and not (event.get('vendor_class') or '').startswith('PXEClient:Arch:00007'):
            print('%-18s: the UEFI VM did not ask as EFI x64 (client architecture 7)' % '  NOT UEFI')
            ok = False
    print('Playbook changes  : kvm_host %d, compose_vm %d, report %d' % changes)
    print('Report            : %s/localhost.md and .svg' % os.path.join(netboot_lab.STATE, 'reports'))
    print('=' * 78)
    print('`make demo-clean` removes the lab (and the MAAS power access it gave this machine).')
    return 0 if ok else 1


if __name__ == '__main__':
    started = time.monotonic()
    code = main()
    print('demo took %.0f s' % (time.monotonic() - started))
    sys.exit(code)
