# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (imports Ansible): how every module of the collection is built, and how it runs a plan.

ansible-core validates a dict option that has suboptions by reading its fallbacks before it checks the value
is a dict, so ``dhcp: true`` or ``interfaces: [1]`` ends in ``TypeError: argument of type 'bool' is not
iterable`` - a traceback instead of a message (ansible/ansible#81631, open). ``new_module`` catches that, reads
the parameters again with every option taken as it comes, and fails naming the option and what it must be.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def shape_problems(spec, params, prefix=''):
    """Where ``params`` gives something other than a dict (or a list of dicts) for an option with suboptions."""
    problems = []
    for name, option in spec.items():
        value = (params or {}).get(name) if isinstance(params, dict) else None
        if not option.get('options') or value is None:
            continue
        many = option.get('type') == 'list'
        items = value if many and isinstance(value, list) else [value]
        where = prefix + name
        if many and not isinstance(value, list) or [item for item in items if not isinstance(item, dict)]:
            problems.append('%s must be %s' % (where, 'a list of dicts' if many else 'a dict'))
            continue
        for index, item in enumerate(items):
            problems += shape_problems(option['options'], item, '%s%s.' % (where, '[%d]' % index if many else ''))
    return problems


def new_module(argument_spec, **kwargs):
    """AnsibleModule(argument_spec, **kwargs); a value of the wrong shape for an option with suboptions fails
    with a message naming it (see the module docstring) instead of a traceback."""
    try:
        return AnsibleModule(argument_spec=argument_spec, **kwargs)
    except TypeError:
        lenient = dict((name, {'type': 'raw', 'no_log': bool(option.get('no_log')), 'aliases': option.get('aliases', [])})
                       for name, option in argument_spec.items())
        module = AnsibleModule(argument_spec=lenient, supports_check_mode=True)
        problems = shape_problems(argument_spec, module.params)
        module.fail_json(msg='; '.join(problems) if problems else 'the module arguments are not valid')


def plan_result(module, plan):
    """The result a plan gives: what it predicted, ``changed``, and - in diff mode, when something changes -
    the diff, all from the plan's tracker."""
    result = dict(plan.predicted, changed=plan.changed)
    if module._diff and plan.changed:  # pylint: disable=protected-access
        result['diff'] = plan.tracker.as_diff()
    return result


def run_plan(module, plan, executor, steps=None):
    """Carry out the plan's steps (or only ``steps``, a phase of it) - never in check mode - and return
    plan_result. The executor may leave what it learned (an id, a backup file) in ``executor.learned``."""
    if not module.check_mode:
        executor.run(plan.steps if steps is None else steps)
    result = plan_result(module, plan)
    result.update(getattr(executor, 'learned', None) or {})
    return result
