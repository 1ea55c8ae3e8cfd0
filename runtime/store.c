/* Stores: the ownership groups of instances, tables and reference-typed
 * globals (see "Objects" in wasmrt.h).
 *
 * Objects of one group point at each other freely (an instance at its
 * tables, a table at the instances whose funcrefs it holds), so per-object
 * reference counts would form cycles. Instead a group is freed as a whole
 * when no handle reaches it any more. Groups merge (union-find) whenever a
 * reference may cross from one to the other; a merged store forwards to
 * the surviving root and holds one reference on it, so handles counted on
 * the old store keep working and keep the whole group alive.
 *
 * One process-wide mutex guards forwarding pointers and the lists; the
 * counts are atomic, so retain/release of a handle never takes it (except
 * the last release, which detaches the lists before freeing them).
 */
#include "wasmrt_internal.h"

#include <stdlib.h>

typedef struct rt_keep {
  struct rt_keep *next;
  void *data;
  void (*drop)(void *data);
} rt_keep;

struct wasmrt_store {
  atomic_uint refs;   /* handles counted here + stores forwarded here */
  wasmrt_store *fwd;  /* the store this one was merged into, or NULL */
  rt_owned *objects;  /* root only: the group's objects */
  rt_keep *keeps;     /* root only: embedder data freed with the group */
  size_t num_objects; /* root only: for union by size */
};

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

wasmrt_store *rt_store_new(void) {
  wasmrt_store *s = calloc(1, sizeof *s);
  if (s) {
    atomic_init(&s->refs, 1);
  }
  return s;
}

/* Caller holds store_lock. */
static wasmrt_store *root_of(wasmrt_store *s) {
  while (s->fwd) {
    s = s->fwd;
  }
  return s;
}

void rt_store_add(wasmrt_store *s, rt_owned *o, rt_owned_drop drop) {
  o->store = s;
  o->drop = drop;
  pthread_mutex_lock(&store_lock);
  wasmrt_store *r = root_of(s);
  o->next = r->objects;
  r->objects = o;
  r->num_objects++;
  pthread_mutex_unlock(&store_lock);
}

void wasmrt_store_retain(wasmrt_store *s) {
  atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

/* Frees a detached group: objects let go of what lies outside the group
 * first (phase 0, while every member is still valid), then free their
 * memory (phase 1); the embedder's data goes last, as it may own the code
 * and descriptions the objects used. */
static void free_group(rt_owned *objects, rt_keep *keeps) {
  for (rt_owned *o = objects; o; o = o->next) {
    o->drop(o, 0);
  }
  while (objects) {
    rt_owned *next = objects->next;
    objects->drop(objects, 1);
    objects = next;
  }
  while (keeps) {
    rt_keep *next = keeps->next;
    keeps->drop(keeps->data);
    free(keeps);
    keeps = next;
  }
}

void wasmrt_store_release(wasmrt_store *s) {
  /* A loop, not recursion: a chain of merged stores may be long. */
  while (s &&
         atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
    pthread_mutex_lock(&store_lock);
    wasmrt_store *fwd = s->fwd;
    rt_owned *objects = s->objects;
    rt_keep *keeps = s->keeps;
    pthread_mutex_unlock(&store_lock);
    free(s);
    free_group(objects, keeps);
    s = fwd;
  }
}

static void splice(wasmrt_store *into, wasmrt_store *from) {
  if (from->objects) {
    rt_owned *tail = from->objects;
    while (tail->next) {
      tail = tail->next;
    }
    tail->next = into->objects;
    into->objects = from->objects;
  }
  if (from->keeps) {
    rt_keep *tail = from->keeps;
    while (tail->next) {
      tail = tail->next;
    }
    tail->next = into->keeps;
    into->keeps = from->keeps;
  }
  into->num_objects += from->num_objects;
  from->objects = NULL;
  from->keeps = NULL;
  from->num_objects = 0;
}

void wasmrt_store_join(wasmrt_store *a, wasmrt_store *b) {
  if (!a || !b || a == b) {
    return;
  }
  pthread_mutex_lock(&store_lock);
  wasmrt_store *ra = root_of(a), *rb = root_of(b);
  if (ra != rb) {
    /* The smaller group moves: list splicing walks its lists. */
    if (ra->num_objects < rb->num_objects) {
      wasmrt_store *t = ra;
      ra = rb;
      rb = t;
    }
    splice(ra, rb);
    rb->fwd = ra;
    atomic_fetch_add_explicit(&ra->refs, 1, memory_order_relaxed);
  }
  pthread_mutex_unlock(&store_lock);
}

bool wasmrt_store_keep(wasmrt_store *s, void *data, void (*drop)(void *)) {
  rt_keep *k = malloc(sizeof *k);
  if (!k) {
    return false;
  }
  k->data = data;
  k->drop = drop;
  pthread_mutex_lock(&store_lock);
  wasmrt_store *r = root_of(s);
  k->next = r->keeps;
  r->keeps = k;
  pthread_mutex_unlock(&store_lock);
  return true;
}

void *wasmrt_store_find(wasmrt_store *s, void (*drop)(void *)) {
  void *found = NULL;
  pthread_mutex_lock(&store_lock);
  for (rt_keep *k = root_of(s)->keeps; k && !found; k = k->next) {
    if (k->drop == drop) {
      found = k->data;
    }
  }
  pthread_mutex_unlock(&store_lock);
  return found;
}
