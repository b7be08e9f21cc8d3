# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The supported ansible-core range is stated once, in meta/runtime.yml's requires_ansible. `make sanity` runs
ansible-test of its lowest and highest release: the pins it installs must be the ends of that range, and every other
place that names the range (the EE definition, the docs) must name the same one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def read(path):
    with open(os.path.join(ROOT, path)) as handle:
        return handle.read()


def supported_range():
    """(lowest minor, highest minor) of requires_ansible, e.g. ((2, 16), (2, 19)): a >=X.Y.0 and a <A.B.0 bound."""
    spec = yaml.safe_load(read('meta/runtime.yml'))['requires_ansible']
    bounds = dict((s.operator, Version(s.version)) for s in SpecifierSet(spec))
    assert set(bounds) == {'>=', '<'}, 'requires_ansible needs a lower and an upper bound: %s' % spec
    low, high = bounds['>='], bounds['<']
    assert low.micro == 0 and high.micro == 0 and high.major == low.major, spec
    return (low.major, low.minor), (high.major, high.minor - 1)


def pinned_core(path):
    found = re.findall(r'^ansible-core==(\S+)$', read(path), re.M)
    assert len(found) == 1, '%s pins ansible-core once' % path
    return Version(found[0])


def test_the_sanity_pins_are_the_ends_of_the_range():
    lowest, highest = supported_range()
    assert pinned_core('requirements-core-lowest.txt').release[:2] == lowest
    assert pinned_core('requirements-lint.txt').release[:2] == highest


def test_the_tests_run_with_a_release_inside_the_range():
    lowest, highest = supported_range()
    assert lowest <= pinned_core('requirements-dev.txt').release[:2] <= highest


def test_the_execution_environment_takes_the_same_range():
    lowest, highest = supported_range()
    with open(os.path.join(ROOT, 'examples', 'awx', 'execution-environment.yml')) as handle:
        spec = yaml.safe_load(handle)['dependencies']['ansible_core']['package_pip']
    assert spec == 'ansible-core>=%d.%d,<%d.%d' % (lowest + (highest[0], highest[1] + 1))


def test_every_text_that_names_the_range_names_this_one():
    lowest, highest = supported_range()
    stated = '%d.%d to %d.%d' % (lowest + highest)
    texts = ['README.md', 'examples/awx/execution-environment.yml'] + \
        [os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, 'docs', '*.md'))]
    named = []
    for path in texts:
        for found in re.findall(r'\b(2\.\d+ to 2\.\d+)\b', read(path)):
            named.append(path)
            assert found == stated, '%s names ansible-core %s; meta/runtime.yml says %s' % (path, found, stated)
    assert 'README.md' in named
