# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (files and commands on the host): the executor of kvm_host_bridge's Plan (bridge.change)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.files import move_files
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.transaction import TransactionError
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.steps import StepExecutor


class BridgeExecutor(StepExecutor):
    """``conn``: ``transaction(files)``, the bridge.transaction.BridgeTransaction that persists ``files``;
    ``run_program(argv)`` runs a command of the host -> (rc, out, err); ``backup_dir``: where backups go. A step
    that fails raises TransactionError."""

    def __init__(self, module, transaction, run_program, backup_dir):
        super(BridgeExecutor, self).__init__(module, transaction)
        self.run_program = run_program
        self.backup_dir = backup_dir
        self.learned = {}

    def do_move_backups(self, moves):
        try:
            move_files(moves, self.backup_dir)
        except (IOError, OSError) as exc:
            raise TransactionError('cannot move the earlier backups to %s: %s; nothing else was changed'
                                   % (self.backup_dir, exc))

    def do_transaction(self, files):
        self.learned.update(verified=self.conn(files).run(), rolled_back=False)

    def do_hand_over_dhcp(self, handover):
        for command in handover['commands']:
            rc, out, err = self.run_program(command)
            if rc != 0:
                raise TransactionError('bridge %s is built, verified and persisted, but its DHCP client did not take '
                                       'over: %s failed (%s). The address expires with its lease unless a DHCP client '
                                       'runs for %s (restart the network service).'
                                       % (handover['bridge'], ' '.join(command), (err or out).strip() or rc,
                                          handover['bridge']))
