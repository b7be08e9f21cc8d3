# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  uri:
    description:
      - libvirt connection URI.
      - C(test:///default) (libvirt's built-in test driver) and remote URIs such as
        C(qemu+ssh://user@host/system) work for the libvirt part.
    type: str
    default: qemu:///system
requirements:
  - libvirt-python (C(python3-libvirt)) on the target
  - lxml (C(python3-lxml)) on the target
  - netaddr (C(python3-netaddr)) on the target
'''
