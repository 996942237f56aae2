import { test } from 'tap'
import { etagOf, ifNoneMatchHits } from '../../src/cache/etag.js'
import { keyProblem, manualKey, patternProblem } from '../../src/cache/key-rules.js'
import {
  encodeSegment, responseKey, scopeName, scopeOfKey, sortedQuery
} from '../../src/cache/keys.js'
import { globToRegExp } from '../../src/cache/memory-store.js'

test('scope ids cannot carry glob characters or separators', async (t) => {
  t.equal(encodeSegment('coA'), 'coA')
  t.equal(encodeSegment('a*b'), 'a~2Ab')
  t.equal(encodeSegment('x[1]?:y'), 'x~5B1~5D~3F~3Ay')
  t.equal(encodeSegment('~'), '~7E')
  t.equal(encodeSegment('é'), '~C3~A9')
  t.equal(scopeName('dashboard', 'co:*'), 'dashboard:co~3A~2A')
  t.not(encodeSegment('a~2A'), encodeSegment('a*'), 'the escape character is escaped too')
})

test('a response key holds kind, scope, route and the sorted query', async (t) => {
  const key = responseKey(scopeName('jobs', 'all'), '/api/jobs', 'status=open&page=1&pageSize=10')

  t.equal(key, 'jobs:all:/api/jobs:page=1&pageSize=10&status=open')
  t.equal(sortedQuery('b=2&a=1&a=0'), 'a=0&a=1&b=2')
  t.equal(sortedQuery(''), '')
  t.equal(sortedQuery('q=a%20b*'), 'q=a~20b~2A')
  t.equal(scopeOfKey(key), 'jobs:all')
  t.equal(scopeOfKey('manual:x'), undefined)
})

test('ETags match lists, weak validators and *', async (t) => {
  const etag = etagOf('{"a":1}')

  t.match(etag, /^"[A-Za-z0-9_-]+"$/)
  t.equal(etagOf('{"a":1}'), etag, 'the same body gives the same ETag')
  t.not(etagOf('{"a":2}'), etag)
  t.ok(ifNoneMatchHits(etag, etag))
  t.ok(ifNoneMatchHits(`"nope", ${etag}`, etag))
  t.ok(ifNoneMatchHits(`W/${etag}`, etag))
  t.ok(ifNoneMatchHits('*', etag))
  t.notOk(ifNoneMatchHits('"nope"', etag))
  t.notOk(ifNoneMatchHits(undefined, etag))
})

test('management keys and patterns stay inside the namespace', async (t) => {
  t.equal(keyProblem('manual:probe'), undefined)
  t.equal(keyProblem('dashboard:coA:/api/company/dashboard:'), undefined)
  t.type(keyProblem(''), 'string')
  t.type(keyProblem('a*'), 'string')
  t.type(keyProblem('a b'), 'string')
  t.type(keyProblem('~idx:jobs:all'), 'string')

  t.equal(patternProblem('dashboard:*'), undefined)
  t.equal(patternProblem('dashboard:coA:*'), undefined)
  t.type(patternProblem('*'), 'string')
  t.type(patternProblem(':*'), 'string')
  t.type(patternProblem('dashboard*'), 'string')
  t.type(patternProblem('dash*board:*'), 'string')
  t.type(patternProblem('a[bc]:*'), 'string')
  t.type(patternProblem('~idx:*'), 'string')

  t.equal(manualKey('probe'), 'manual:probe')
  t.equal(manualKey('manual:probe'), 'manual:probe')
  t.equal(manualKey('dashboard:coA:/api/company/dashboard:'), 'manual:dashboard:coA:/api/company/dashboard:')
})

test('the memory tier matches globs as Redis does', async (t) => {
  t.ok(globToRegExp('dashboard:*').test('dashboard:coA:/x:'))
  t.notOk(globToRegExp('dashboard:*').test('jobs:all:/x:'))
  t.ok(globToRegExp('a?c').test('abc'))
  t.ok(globToRegExp('a[bc]d').test('acd'))
  t.ok(globToRegExp('a\\*').test('a*'))
  t.notOk(globToRegExp('a\\*').test('ab'))
  t.ok(globToRegExp('*').test('any:thing\nat all'))
})
