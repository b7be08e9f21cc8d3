# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every filter over the host picture and the provisioner model does first, in one place: check
that netaddr is there, load and validate ``maas_model``, and turn the core's errors into
AnsibleFilterError naming the filter."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import HAS_NETADDR
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import SelectionError
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model


def policy_filter(name, core):
    """A filter ``name(facts, maas_model=None, ...)`` that calls ``core(facts, model, ...)``."""
    @functools.wraps(core)
    def run(facts, maas_model=None, *args, **kwargs):
        if not HAS_NETADDR:
            raise AnsibleFilterError('%s needs the netaddr Python library on the controller' % name)
        try:
            return core(facts, load_model(maas_model or {}), *args, **kwargs)
        except (ModelError, SelectionError) as exc:
            raise AnsibleFilterError('%s: %s' % (name, to_native(exc)))
    return run
