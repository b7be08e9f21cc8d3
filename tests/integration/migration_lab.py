# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A second KVM host on this machine, for live migrations: its own libvirtd and virtlogd in a network
namespace, a private mount namespace and a UTS namespace of their own.

libvirt refuses to migrate to the same host, by host name and host UUID: host B has its own host name
(UTS namespace) and ``host_uuid``. Its /etc/libvirt (a copy of this machine's, without domains,
networks or pools), /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt are
directories under ``root`` bind-mounted in its mount namespace; its control socket is reached from here
at ``root/run/libvirt-sock``. QEMU's migration stream goes over a unix socket in ``root/sock``, so host
B needs no address at all. ``root`` is /run/kvmnet-lab/<name> (``migb`` for the migration tests), root's
alone (kvmnet_lab.lab_state): a crashed run's host B is found there and taken down. A host of another name
(``NAMES``) runs beside it with directories and a namespace of its own: the power-access test's, in the other lane
of `make test`. Its network namespace holds only what the test puts there (bridges, and the routes the NIC hooks
add). Directories of the test can be shadowed in B by copies (``shadow``), so the
same paths hold B's own hook settings, scripts and records.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import signal
import time

from kvmnet_lab import lab_state

import lab

# the hosts the tests bring up, by name: the migration tests' host B and the power-access test's host
NAMES = ('migb', 'pwrb')
HOST_UUID = '6b1f0e2c-1111-4222-8333-944455556666'
BIND_MOUNTS = (('run', '/run/libvirt'), ('lib', '/var/lib/libvirt'), ('etc', '/etc/libvirt'),
               ('log', '/var/log/libvirt'), ('cache', '/var/cache/libvirt'))
# Host B's copy of /etc/libvirt has no domains, networks or pools of this machine (and, when asked, no hooks: this
# machine's may be another test's, installed for a while), and no access drivers.
NOT_COPIED = ('qemu', 'storage')


class HostB(object):
    """Host B; ``shadow`` maps paths of this machine to directories B sees in their place; ``hooks``: whether its
    /etc/libvirt copy keeps this machine's hooks."""

    def __init__(self, shadow=None, name='migb', hooks=True):
        assert name in NAMES, name
        self.shadow = dict(shadow or {})
        self.name, self.hooks = name, hooks
        self.netns, self.root = lab.LAB_PREFIX + name, os.path.join(lab_state.LAB_RUN, name)
        self.uri = 'qemu+unix:///system?socket=%s/run/libvirt-sock' % self.root
        self.migration_uri = 'unix://%s/sock/migrate.sock' % self.root

    def _copy_config(self):
        skip = NOT_COPIED + (() if self.hooks else ('hooks',))
        shutil.copytree('/etc/libvirt', os.path.join(self.root, 'etc'), symlinks=True,
                        ignore=lambda d, names: [n for n in names if d == '/etc/libvirt' and n in skip])
        os.makedirs(os.path.join(self.root, 'etc', 'qemu', 'networks'))
        conf = os.path.join(self.root, 'etc', 'libvirtd.conf')
        with open(conf) as handle:
            # nor the access drivers this machine has on for a while (the demo in the other lane of `make test`
            # turns polkit's on): a new host starts without, as the role maas_power_access expects
            lines = [line for line in handle if not re.match(r'\s*access_drivers\s*=', line)]
        with open(conf, 'w') as handle:
            handle.writelines(lines + ['\nhost_uuid = "%s"\n' % HOST_UUID])

    def up(self):
        self.down()
        lab_state.state_dir(self.name)
        for sub in ('run', 'lib/qemu', 'log', 'cache', 'sock'):
            os.makedirs(os.path.join(self.root, sub))
        os.chmod(os.path.join(self.root, 'sock'), 0o777)  # QEMU (libvirt-qemu) listens there
        shutil.chown(os.path.join(self.root, 'lib', 'qemu'), 'libvirt-qemu', 'libvirt-qemu')
        self._copy_config()
        lab.sh('ip', 'netns', 'add', self.netns)
        self.run('ip', 'link', 'set', 'lo', 'up', enter=False)
        mounts = ['mount --bind %s %s' % (os.path.join(self.root, src), dst) for src, dst in BIND_MOUNTS]
        mounts += ['mount --bind %s %s' % (src, dst) for dst, src in sorted(self.shadow.items())]
        script = ' && '.join(mounts + ['hostname %s' % self.netns, 'virtlogd -d -p %s/run/virtlogd.pid' % self.root,
                                       'libvirtd -d -p %s/run/libvirtd.pid' % self.root])
        lab.sh('ip', 'netns', 'exec', self.netns, 'unshare', '--mount', '--uts', '--propagation', 'private',
               'sh', '-c', script)
        self._wait_for_libvirt()

    def _wait_for_libvirt(self):
        for dummy in range(60):
            if lab.sh('virsh', '-c', self.uri, 'version', check=False).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError('the libvirtd of host %s did not answer at %s' % (self.name, self.uri))

    def pid(self, name):
        try:
            with open(os.path.join(self.root, 'run', name + '.pid')) as handle:
                return int(handle.read().strip())
        except (IOError, OSError, ValueError):
            return None

    def run(self, *cmd, **kwargs):
        """Run a command in host B: its namespaces (all of them once libvirtd runs, else the network's)."""
        enter = kwargs.pop('enter', True)
        pid = self.pid('libvirtd') if enter else None
        if pid:
            return lab.sh('nsenter', '-t', str(pid), '-m', '-u', '-n', *cmd, **kwargs)
        return lab.in_netns(self.netns, *cmd, **kwargs)

    def down(self):
        """Destroy B's domains, stop its daemons, remove its namespace and directories."""
        if self._alive(self.pid('libvirtd')):
            for name in lab.sh('virsh', '-c', self.uri, 'list', '--name', check=False).stdout.split():
                lab.sh('virsh', '-c', self.uri, 'destroy', name, check=False)
        for name in ('libvirtd', 'virtlogd'):
            pid = self.pid(name)
            if pid:
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
        for dummy in range(50):
            if not any(self._alive(self.pid(n)) for n in ('libvirtd', 'virtlogd')):
                break
            time.sleep(0.1)
        lab.sh('ip', 'netns', 'del', self.netns, check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    @staticmethod
    def _alive(pid):
        if not pid:
            return False
        try:
            with open('/proc/%d/stat' % pid) as handle:
                return handle.read().split()[2] != 'Z'
        except (IOError, OSError):
            return False
