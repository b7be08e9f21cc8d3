# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one shape of a plan: what every stateful module decides before it changes anything.

``steps``: ``(action, argument)`` in order, each carried out by an executor's ``do_<action>``
(common.steps); ``tracker``: every field compared (common.diff) - ``changed`` and the diff come from it and
nothing else; ``predicted``: the module's result fields as they will be once the steps ran (what check mode
returns). Plans are made by pure functions (libvirt.network_plan, libvirt.pool_plan, vm.compose_plan,
bridge.plan, maas.machine_plan, maas.address_plan) and run by ``run_plan`` (common.ansible_glue), which owns
the check-mode gate, the diff and ``changed``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple


class Plan(namedtuple('Plan', 'steps tracker predicted')):
    __slots__ = ()

    @property
    def changed(self):
        return self.tracker.changed

    def only(self, actions):
        """The steps whose action is one of ``actions``, in order (a phase of the plan)."""
        return [step for step in self.steps if step[0] in actions]

    def without(self, actions):
        """The steps whose action is none of ``actions``, in order."""
        return [step for step in self.steps if step[0] not in actions]
