# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role has a README.md, and it is what its meta/argument_specs.yml makes (kvmnet_lab.role_readme)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from kvmnet_lab import role_readme


def test_every_role_readme_is_made_from_its_argument_specs():
    assert role_readme.roles(), 'no role found'
    assert role_readme.stale() == [], 'run python3 -m kvmnet_lab.role_readme'


def test_markup_becomes_markdown():
    text = 'C(qemu:///system) for O(maas_power_access_user=x), M(kvmnet.netboot.kvm_power_grant), I(not) B(root)'
    assert role_readme.plain(text) == ('`qemu:///system` for `maas_power_access_user`, '
                                       '`kvmnet.netboot.kvm_power_grant`, *not* **root**')
