# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (reaches libvirt through libvirt.connection, and polkit's rules directory): the executors that carry out
the plans of libvirt.network_plan, libvirt.pool_plan, vm.compose_plan and libvirt.power_grant_plan, one
``do_<action>`` per step."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile
import time

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.steps import StepExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import error_message, libvirt
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_events import state_word
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import host_xml, range_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.volume_render import volume_xml


class StepRefused(Exception):
    """A step could not be carried out for a reason outside libvirt (a file, a timeout); the message says it."""


class NetworkExecutor(StepExecutor):
    """libvirt.network_plan's steps; ``backup_dir`` is where a backup step writes the previous XML."""

    def __init__(self, module, conn, target, backup_dir=None):
        super(NetworkExecutor, self).__init__(module, conn, target)
        self.backup_dir = backup_dir
        self.learned = {}

    def do_backup(self, xml):
        path = os.path.join(self.backup_dir, '%s-%s.xml' % (self.target.name(), time.strftime('%Y%m%dT%H%M%S')))
        try:
            os.makedirs(self.backup_dir, mode=0o700, exist_ok=True)
            with open(path, 'w') as handle:
                handle.write(xml)
        except (IOError, OSError) as exc:
            raise StepRefused('cannot write the backup to %s: %s; nothing was changed' % (self.backup_dir, exc))
        self.learned['backup_file'] = path

    def do_define(self, xml):
        self.target = self.conn.networkDefineXML(xml)

    def do_update(self, update):
        flags = libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG
        if update['live']:
            flags |= libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE
        for command, section, index, item in update['changes']:
            cmd = libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE if command == 'delete' else \
                libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
            if section == 'range':
                self.target.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_RANGE, index, range_xml(item), flags)
            else:
                self.target.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, index, host_xml(item), flags)

    def do_destroy(self, dummy):
        self.target.destroy()

    def do_create(self, dummy):
        self.target.create()

    def do_autostart(self, value):
        self.target.setAutostart(1 if value else 0)

    def do_undefine(self, dummy):
        if self.target.isPersistent():
            self.target.undefine()


class PoolExecutor(StepExecutor):
    """libvirt.pool_plan's steps."""

    def do_define(self, xml):
        self.target = self.conn.storagePoolDefineXML(xml, 0)

    def do_build(self, dummy):
        self.target.build(0)

    def do_start(self, dummy):
        self.target.create(0)

    def do_autostart(self, value):
        self.target.setAutostart(1 if value else 0)

    def do_destroy(self, dummy):
        self.target.destroy()

    def do_undefine(self, dummy):
        self.target.undefine()


def wait_for(dom, wanted, timeout):
    """Wait until the domain is in one of the ``wanted`` states; StepRefused after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while state_word(dom.state()[0]) not in wanted:
        if time.monotonic() >= deadline:
            raise StepRefused('domain %s did not reach %s within %d s (it is %s)'
                              % (dom.name(), '/'.join(wanted), timeout, state_word(dom.state()[0])))
        time.sleep(0.2)


class DomainExecutor(StepExecutor):
    """vm.compose_plan's steps; ``pools`` are the storage pools of the VM's disks by name."""

    def __init__(self, module, conn, dom, pools=None, start_timeout=30):
        super(DomainExecutor, self).__init__(module, conn, dom)
        self.pools = pools or {}
        self.start_timeout = start_timeout
        self.created = []

    def run(self, steps):
        """Run the steps; if one fails, delete the volumes this run created before it (nothing is left of a
        failed run), then re-raise."""
        try:
            return super(DomainExecutor, self).run(steps)
        except Exception:
            for volume in reversed(self.created):
                volume.delete(0)
            raise

    def do_create_volume(self, disk):
        self.created.append(self.pools[disk.pool].createXML(volume_xml(disk), 0))

    def do_destroy(self, dummy):
        self.target.destroy()

    def do_undefine(self, dummy):
        self.target.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                  libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)

    def do_define(self, xml):
        self.target = self.conn.defineXML(xml)

    def do_start(self, dummy):
        self.target.create()
        wait_for(self.target, ('running',), self.start_timeout)

    def do_stop(self, dummy):
        self.target.destroy()
        wait_for(self.target, ('shutoff',), self.start_timeout)

    def do_delete_volume(self, pool_and_volume):
        pool_name, volume = pool_and_volume
        try:
            self.conn.storagePoolLookupByName(pool_name).storageVolLookupByName(volume).delete(0)
        except libvirt.libvirtError as exc:
            self.module.warn('could not delete volume %s/%s: %s' % (pool_name, volume, error_message(exc)))


class PowerGrantExecutor(StepExecutor):
    """libvirt.power_grant_plan's steps: polkit rule files in ``rules_dir`` (polkitd reads them again when they
    change), written whole through a temporary file and the module's atomic move, mode 0644."""

    def __init__(self, module, rules_dir):
        super(PowerGrantExecutor, self).__init__(module, None)
        self.rules_dir = rules_dir

    def do_write(self, name_and_content):
        name, content = name_and_content
        tmp = None
        try:
            if not os.path.isdir(self.rules_dir):
                os.makedirs(self.rules_dir, 0o755)
            fd, tmp = tempfile.mkstemp(prefix='.%s.' % name, dir=self.rules_dir)
            with os.fdopen(fd, 'w') as handle:
                handle.write(content)
            os.chmod(tmp, 0o644)
        except OSError as exc:
            self._discard(tmp)
            raise StepRefused('could not write polkit rule %s in %s: %s' % (name, self.rules_dir, exc))
        try:
            self.module.atomic_move(tmp, os.path.join(self.rules_dir, name))
        finally:
            self._discard(tmp)

    def do_remove(self, name):
        path = os.path.join(self.rules_dir, name)
        try:
            if os.path.lexists(path):
                os.unlink(path)
        except OSError as exc:
            raise StepRefused('could not remove polkit rule %s: %s' % (path, exc))

    @staticmethod
    def _discard(tmp):
        if tmp and os.path.lexists(tmp):
            os.unlink(tmp)
