# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo's power path: MAAS's rack (the lab's rack namespace, kvmnet_lab.netboot_lab) reaches this host's
libvirt the way a real rack does - over SSH, as the power user of the role maas_power_access, with a key of its
own - and the MAAS double's commissioning asks it to power the VMs on (kvmnet_lab.maas_double.rack).

- a veth pair of its own, kvmnt-pwr0 here and pwr0 in the rack namespace, on ``lab_power_cidr``
  (examples/demo/lab.yml, a /30 of 198.18.0.0/15, checked clear of the machine's own networks by lab_safety
  before it is made): the only address the power path puts in the host's namespace;
- a real sshd of the lab's own, listening on that address only, for the power user only (``AllowUsers``), keys
  only, its host key, configuration and pid in the lab's state directory - the machine's own sshd, if any, is
  not touched;
- the rack's key (``rack/id_ed25519``), given to the role as ``maas_power_access_keys``.

``down`` stops the sshd; netboot_lab.down removes the link, the namespace and the state directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import signal
import sys
import time

import yaml

from kvmnet_lab import REPO_ROOT, lab_safety, lab_state, netboot_lab
from kvmnet_lab.maas_double.rack import Rack
from kvmnet_lab.shell import ip_json, sh

HOST_END, RACK_END = 'kvmnt-pwr0', 'pwr0'
STATE = os.path.join(netboot_lab.STATE, 'power')
SSHD_PID = os.path.join(STATE, 'sshd.pid')
POWER_USER = 'kvmnet-power'
# Written once kvm_host.yml gave MAAS power access on this machine (role maas_power_access): ``down`` takes it away.
ACCESS_ON = os.path.join(STATE, 'access-on')
EXAMPLES = os.path.join(REPO_ROOT, 'examples', 'demo')


def power_cidr():
    with open(netboot_lab.LAB_VARS) as handle:
        return yaml.safe_load(handle)['lab_power_cidr']


def addresses(cidr=None):
    """(host address, rack address, prefix length) on the power link."""
    net = ipaddress.ip_network(cidr or power_cidr())
    return str(net[1]), str(net[2]), net.prefixlen


def sshd_port():
    """22, unless something on this machine listens on every address at 22 already (its own sshd): then 2222."""
    listening = sh('ss', '-Hltn', check=False).stdout.split('\n')
    wildcard = [line for line in listening if any(('%s:22 ' % any_address) in line + ' '
                                                  for any_address in ('0.0.0.0', '*', '[::]'))]
    return 2222 if wildcard else 22


def link_up():
    host, rack, prefix = addresses()
    if not os.path.exists('/sys/class/net/%s' % HOST_END):
        lab_safety.check_lab_subnet('%s/%d' % (host, prefix), 'lab_power_cidr in examples/demo/lab.yml')
        sh('ip', 'link', 'add', HOST_END, 'type', 'veth', 'peer', 'name', RACK_END, 'netns', netboot_lab.RACK_NS)
    if host not in json.dumps(ip_json('addr', 'show', 'dev', HOST_END)):
        sh('ip', 'addr', 'add', '%s/%d' % (host, prefix), 'dev', HOST_END)
    sh('ip', 'link', 'set', HOST_END, 'up')
    netboot_lab.rack('ip', 'link', 'set', RACK_END, 'up')
    if rack not in netboot_lab.rack('ip', '-j', 'addr', 'show', 'dev', RACK_END).stdout:
        netboot_lab.rack('ip', 'addr', 'add', '%s/%d' % (rack, prefix), 'dev', RACK_END)


def sshd_pid():
    """The lab sshd's pid, when the state directory is root's and that process is an sshd."""
    return lab_state.running_pid(SSHD_PID, lab_state.process_named('sshd'))


def sshd_up(port):
    """The lab's sshd on the power link's host address; -> "host" or "host:port" for the power address."""
    host = addresses()[0]
    if sshd_pid() is None:
        key = os.path.join(STATE, 'ssh_host_ed25519_key')
        if not os.path.exists(key):
            sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key)
        config = os.path.join(STATE, 'sshd_config')
        with open(config, 'w') as handle:
            handle.write('# the demo lab\'s sshd: the power link only, MAAS\'s power user only, keys only\n'
                         'ListenAddress %s:%d\nHostKey %s\nPidFile %s\nAllowUsers %s\nUsePAM no\n'
                         'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\n'
                         'PubkeyAuthentication yes\nAuthorizedKeysFile .ssh/authorized_keys\nStrictModes yes\n'
                         % (host, port, key, SSHD_PID, POWER_USER))
        os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
        sh('/usr/sbin/sshd', '-f', config, '-E', os.path.join(STATE, 'sshd.log'))
        for dummy in range(50):
            if sshd_pid():
                break
            time.sleep(0.1)
    return host if port == 22 else '%s:%d' % (host, port)


def up():
    """The link, the sshd and the rack's key. -> (Rack, power host for compose_vm's vm_power_host)."""
    lab_state.state_dir('demo')
    os.makedirs(STATE, exist_ok=True)
    os.chmod(STATE, 0o700)
    link_up()
    rack = Rack(os.path.join(STATE, 'rack'), netboot_lab.RACK_NS)
    os.makedirs(rack.directory, exist_ok=True)
    rack.make_key()
    return rack, sshd_up(sshd_port())


def mark_access_on():
    with open(ACCESS_ON, 'w') as handle:
        handle.write('role maas_power_access applied by make demo\n')


def access_off(say=print):
    """The role with state absent, when the demo applied it: user, keys, polkit rules and access driver go."""
    if not os.path.exists(ACCESS_ON):
        return
    playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    proc = sh(playbook if os.path.exists(playbook) else 'ansible-playbook', '-i', os.path.join(EXAMPLES, 'inventory.yml'),
              os.path.join(EXAMPLES, 'power_access_off.yml'), check=False, merge=True)
    if proc.returncode != 0:
        raise RuntimeError('taking MAAS power access away failed:\n%s' % proc.stdout[-3000:])
    os.unlink(ACCESS_ON)
    say('removed  MAAS power access (user %s, its keys, its polkit rules, libvirt\'s access driver setting)'
        % POWER_USER)


def down(say=print):
    pid = sshd_pid()
    if pid:
        os.kill(pid, signal.SIGTERM)
        say('stopped  the lab\'s sshd (%d)' % pid)
    access_off(say)
