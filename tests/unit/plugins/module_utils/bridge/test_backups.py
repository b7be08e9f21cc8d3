# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups outside the directories network daemons read (bridge.backups, bridge.files)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import backups, files


def test_a_backup_keeps_the_original_path_under_the_backup_directory():
    assert backups.backup_path('/etc/network/interfaces.d/50-cloud-init') == \
        '/var/lib/kvmnet-netboot/backups/etc/network/interfaces.d/50-cloud-init'
    assert backups.backup_path('/etc/netplan/../netplan/x.yaml', '/b') == '/b/etc/netplan/x.yaml'


def test_legacy_copies_are_looked_for_beside_the_configuration_and_moved_without_overwriting():
    assert backups.legacy_patterns(['/etc/network/interfaces', '/etc/network/interfaces.d/*']) == [
        '/etc/network/*.kvmnet.bak', '/etc/network/interfaces.d/*.kvmnet.bak']
    found = ['/etc/network/interfaces.d/50-cloud-init.kvmnet.bak', '/etc/netplan/00-x.yaml.kvmnet.bak']
    taken = set(['/b/etc/netplan/00-x.yaml'])
    assert backups.legacy_moves(found, '/b', lambda path: path in taken) == [
        ('/etc/netplan/00-x.yaml.kvmnet.bak', '/b/etc/netplan/00-x.yaml.kvmnet.bak'),
        ('/etc/network/interfaces.d/50-cloud-init.kvmnet.bak', '/b/etc/network/interfaces.d/50-cloud-init')]


def test_write_files_backs_up_outside_the_directory_once_and_root_only(tmp_path):
    """H2: before, the copy was <file>.kvmnet.bak beside the original, where `source interfaces.d/*` reads it."""
    config = tmp_path / 'etc' / 'network' / 'interfaces.d'
    config.mkdir(parents=True)
    stanza = config / '50-cloud-init'
    stanza.write_text('auto enp1s0\niface enp1s0 inet static\n    address 198.51.100.10/24\n')
    backup_dir = str(tmp_path / 'backups')
    files.write_files({str(stanza): '# adopted\n'}, os.rename, backups=[str(stanza)], backup_dir=backup_dir)
    assert os.listdir(str(config)) == ['50-cloud-init'] and stanza.read_text() == '# adopted\n'
    kept = backups.backup_path(str(stanza), backup_dir)
    assert open(kept).read().startswith('auto enp1s0')
    assert stat.S_IMODE(os.stat(backup_dir).st_mode) == 0o700
    files.write_files({str(stanza): '# adopted again\n'}, os.rename, backups=[str(stanza)], backup_dir=backup_dir)
    assert open(kept).read().startswith('auto enp1s0')  # the first backup is never overwritten


def test_move_files_moves_a_legacy_copy_out_of_the_daemons_reach(tmp_path):
    legacy = tmp_path / 'interfaces.d' / '50-cloud-init.kvmnet.bak'
    legacy.parent.mkdir()
    legacy.write_text('old')
    target = str(tmp_path / 'backups' / 'interfaces.d' / '50-cloud-init')
    files.move_files([(str(legacy), target)], str(tmp_path / 'backups'))
    assert not legacy.exists() and open(target).read() == 'old'
    assert files.read_existing([str(tmp_path / 'interfaces.d' / '*')]) == {}
