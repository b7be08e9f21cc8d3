# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make lab`: the demo's lab kept up for you to drive with the playbooks - the lab (kvmnet_lab.netboot_lab), its
power path (kvmnet_lab.power_path) and its MAAS region (the API double, with what the demo enlisted) on a fixed
loopback address, http://127.0.0.1:5240/MAAS (MAAS's own port), serving in the background until
`make demo-clean`. MAAS commissions a machine it is given as in the demo: its rack powers the VM on.

It writes ``/run/kvmnet-lab/demo/lab.env`` (PATH with the virtualenv's ansible-playbook, the collections path,
MAAS_URL, MAAS_API_KEY, LAB_INVENTORY) and an inventory with the interpreter pinned, and prints both.
Run `make demo` first: it prepares this machine as the lab's KVM host (kvm_host.yml).

`python3 -m kvmnet_lab.lab_up up|serve|stop`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from kvmnet_lab import REPO_ROOT, lab_state, netboot_lab, power_path
from kvmnet_lab.modules import collections_root

PORT = 5240
URL = 'http://127.0.0.1:%d/MAAS' % PORT
PID = os.path.join(netboot_lab.STATE, 'maas-region.pid')
LOG = os.path.join(netboot_lab.STATE, 'maas-region.log')
ENV = os.path.join(netboot_lab.STATE, 'lab.env')
INVENTORY = os.path.join(netboot_lab.STATE, 'inventory.yml')


def region_pid():
    """The pid of the lab's region, when it runs (its pidfile in the lab's root-owned state directory)."""
    return lab_state.running_pid(PID, _is_region)


def _is_region(pid):
    with open('/proc/%d/cmdline' % pid, 'rb') as handle:
        return b'kvmnet_lab.lab_up' in handle.read()


def answering():
    try:
        socket.create_connection(('127.0.0.1', PORT), timeout=1).close()
        return True
    except OSError:
        return False


def serve():
    """Run the region until SIGTERM, then keep what it enlisted for the next start (and the demo)."""
    # demo builds on this module: imported here, not at the top
    from kvmnet_lab import demo  # pylint: disable=import-outside-toplevel
    rack, dummy = power_path.up()
    region = demo.start_region(PORT)
    region.state.commissioning_hook = demo.DemoRack(rack, region.state)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: done.set())
    with open(PID, 'w') as handle:
        handle.write('%d\n' % os.getpid())
    try:
        while not done.wait(5):
            region.state.save_machines(demo.REGION_STATE)
    finally:
        region.stop()
        region.state.save_machines(demo.REGION_STATE)


def stop_region():
    pid = region_pid()
    if pid:
        os.kill(pid, signal.SIGTERM)
        for dummy in range(100):
            if region_pid() is None:
                break
            time.sleep(0.1)
    return pid


def write_files():
    from kvmnet_lab import demo  # pylint: disable=import-outside-toplevel
    power_host = power_path.addresses()[0]
    with open(INVENTORY, 'w') as handle:
        handle.write('---\n# `make lab`: this machine is the lab\'s KVM host - the virtualenv\'s Python (libvirt-python, '
                     'lxml, netaddr),\n# TCG VMs, and the address the lab\'s MAAS rack powers VMs through.\n'
                     'kvm_hosts:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                     '      ansible_python_interpreter: %s\n      vm_domain_type: qemu\n      vm_power_host: %s\n'
                     '      # the address the lab\'s MAAS region knows this host by\n'
                     '      maas_host_addresses: [%s]\n'
                     % (sys.executable, power_host, demo.HOST_ADDRESS))
    exports = [('PATH', '%s:$PATH' % os.path.dirname(sys.executable)),
               ('ANSIBLE_COLLECTIONS_PATH', collections_root()),
               ('MAAS_URL', URL), ('MAAS_API_KEY', demo.DEMO_KEY), ('LAB_INVENTORY', INVENTORY)]
    with open(ENV, 'w') as handle:
        handle.write('# `make lab`: source it (. %s) to drive the lab with the playbooks\n' % ENV)
        for name, value in exports:
            handle.write('export %s="%s"\n' % (name, value))
    return exports


def up():
    netboot_lab.up()
    power_path.up()
    exports = write_files()
    if region_pid() is None:
        with open(LOG, 'a') as log:
            subprocess.Popen([sys.executable, '-m', 'kvmnet_lab.lab_up', 'serve'], stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO_ROOT)
        for dummy in range(100):
            if answering() and region_pid():
                break
            time.sleep(0.1)
        else:
            raise SystemExit('the lab\'s MAAS region did not answer at %s; see %s' % (URL, LOG))
    print('The lab is up; its MAAS region answers at %s (until `make demo-clean`).' % URL)
    print('To drive it:  . %s' % ENV)
    for name, value in exports:
        print('  export %s="%s"' % (name, value))
    print('Then see "Drive the lab yourself" in docs/quickstart.md.')


if __name__ == '__main__':
    {'up': up, 'serve': serve, 'stop': stop_region}[sys.argv[1] if len(sys.argv) > 1 else 'up']()
