# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every AWX survey variable is one its playbook documents and uses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
AWX = os.path.join(ROOT, 'examples', 'awx')


def templates():
    with open(os.path.join(AWX, 'job_templates.yml')) as handle:
        return yaml.safe_load(handle)['job_templates']


def documented(text):
    """Names in the playbook's header comment block ('#   name   description')."""
    return set(re.findall(r'^#\s{2,}(\w+)\s', text, re.M))


def used(playbook_text):
    """The playbook's own code, plus the argument specs of the roles it applies."""
    code = '\n'.join(line for line in playbook_text.splitlines() if not line.lstrip().startswith('#'))
    for role in re.findall(r'(?:role|name): kvmnet\.netboot\.(\w+)', code):
        with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
            code += '\n' + handle.read()
    return code


def play_vars(playbook_text):
    """Variables the playbook's plays set themselves: they outrank inventory variables."""
    names = set()
    for play in yaml.safe_load(playbook_text) or []:
        names.update((play.get('vars') or {}).keys())
    return names


@pytest.mark.parametrize('template', templates(), ids=lambda t: t['name'])
def test_survey_variables_documented_and_used(template):
    with open(os.path.join(ROOT, template['playbook'])) as handle:
        text = handle.read()
    with open(os.path.join(AWX, template['survey_spec_file'])) as handle:
        survey = json.load(handle)
    docs, code = documented(text), used(text)
    assert survey['spec']
    for question in survey['spec']:
        name = question['variable']
        assert name in docs, '%s is not documented at the top of %s' % (name, template['playbook'])
        assert re.search(r'\b%s\b' % name, code), '%s is not used by %s' % (name, template['playbook'])
        assert name not in play_vars(text), '%s is set by a play of %s, which hides what the survey (or the ' \
            'inventory) says' % (name, template['playbook'])
        if question['type'] == 'multiplechoice':
            assert question.get('default') in question['choices']


def credential_type():
    with open(os.path.join(AWX, 'credential_type_maas.yml')) as handle:
        return yaml.safe_load(handle)['credential_types'][0]


def test_maas_credential_type_injects_what_the_modules_read():
    """The MAAS API credential injects MAAS_URL and MAAS_API_KEY, the fallbacks of every MAAS module,
    with the key marked secret; the playbooks read the same variables."""
    ctype = credential_type()
    fields = dict((f['id'], f) for f in ctype['inputs']['fields'])
    assert fields['api_key'].get('secret') is True and not fields['url'].get('secret')
    assert sorted(ctype['inputs']['required']) == ['api_key', 'url']
    assert ctype['injectors']['env'] == {'MAAS_URL': '{{ url }}', 'MAAS_API_KEY': '{{ api_key }}'}
    with open(os.path.join(ROOT, 'plugins', 'module_utils', 'maas', 'ansible_glue.py')) as handle:
        transport = handle.read()
    assert "['MAAS_URL']" in transport and "['MAAS_API_KEY']" in transport
    for playbook in ('kvm_host.yml', 'compose_vm.yml', 'report.yml'):
        with open(os.path.join(ROOT, 'playbooks', playbook)) as handle:
            text = handle.read()
        assert "'MAAS_URL'" in text and "'MAAS_API_KEY'" in text, playbook


def test_templates_use_a_credential_of_that_type():
    with open(os.path.join(AWX, 'job_templates.yml')) as handle:
        data = yaml.safe_load(handle)
    maas = [c['name'] for c in data['credentials'] if c['credential_type'] == credential_type()['name']]
    assert maas
    for template in data['job_templates']:
        assert set(maas) & set(template['credentials']), template['name']
