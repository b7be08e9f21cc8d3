# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_vm_compose, case by case from data/kvm_vm_compose.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.host import lock
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import build_spec
from ansible_collections.kvmnet.netboot.plugins.modules import kvm_vm_compose
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


@pytest.mark.parametrize('case', load_cases('kvm_vm_compose.yml'))
def test_kvm_vm_compose(monkeypatch, tmp_path, case):
    monkeypatch.setattr(lock, 'lock_path', lambda: str(tmp_path / 'compose.lock'))
    monkeypatch.setattr(kvm_vm_compose, 'domain_type_for', lambda requested: 'qemu')
    extra = {} if 'power_address_host' in case['input'] else {'power_address_host': '198.51.100.10'}
    result = run_case(monkeypatch, kvm_vm_compose.main, case, extra_input=extra)
    if (result.get('maas') or {}).get('power_parameters') and result['domain'].get('uuid'):
        assert result['maas']['power_parameters']['power_id'] == result['domain']['uuid']


class Volume(object):
    def __init__(self, log):
        self.log = log

    def delete(self, flags):
        self.log.append('delete')


class Pool(object):
    def __init__(self, log):
        self.log = log

    def createXML(self, xml, flags):  # pylint: disable=invalid-name
        self.log.append('create')
        return Volume(self.log)


class RefusingConnection(object):
    def defineXML(self, xml):  # pylint: disable=invalid-name
        raise kvm_vm_compose.libvirt.libvirtError('XML error: refused by the test')


def test_a_refused_definition_deletes_the_volumes_the_run_made():
    """Issue 18, L4: a name libvirt refused left the volume made for it; nothing of a failed run may remain."""
    log = []
    disk = build_spec({'name': 'node02', 'disks': [{'size_gib': 1}]}).disks[0]
    executor = kvm_vm_compose.DomainExecutor(None, RefusingConnection(), None, {'default': Pool(log)})
    with pytest.raises(kvm_vm_compose.libvirt.libvirtError):
        executor.run([('create_volume', disk), ('define', '<domain/>')])
    assert log == ['create', 'delete']
