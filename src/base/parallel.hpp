// Work spread over the machine's cores in contiguous, numbered chunks, so that
// callers can keep per-chunk results and put them back together in order:
// the output never depends on how the threads were scheduled.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace sipsleuth::base {

// One short wait in a spin loop: tells the core that this thread is spinning,
// so that a hyperthread sibling or the other guest of a VM runs meanwhile.
inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

// Spins until `ready()` or for at most `kSpinTime`; true if it became ready.
// Used before sleeping on a condition variable where the wait is usually a
// few microseconds: a thread woken from sleep starts tens of microseconds
// later (on this project's VM), and thousands of short parallel steps each
// paid that (1 GB log, `calls --json`: 1.56 -> 1.34 s, and less CPU).
inline constexpr std::chrono::microseconds kSpinTime{50};
template <typename Ready>
bool spin_until(Ready&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (;;) {
    for (int i = 0; i < 16; ++i) {
      if (ready()) return true;
      spin_pause();
    }
    if (std::chrono::steady_clock::now() >= deadline) return ready();
  }
}

// Read once: the C++ library asks the kernel again on every call.
inline unsigned core_count() {
  static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return cores;
}

// How [0, count) is cut: about `per_thread` chunks per thread (so a slow
// chunk does not leave the other cores idle), never smaller than `min_chunk`.
struct Chunking {
  std::size_t count = 0;
  std::size_t chunk = 1;
  std::size_t chunks() const { return count == 0 ? 0 : (count + chunk - 1) / chunk; }
  std::size_t begin(std::size_t index) const { return index * chunk; }
  std::size_t end(std::size_t index) const { return std::min(count, (index + 1) * chunk); }
};

inline Chunking chunking(std::size_t count, unsigned threads, std::size_t min_chunk = 256, std::size_t per_thread = 8) {
  Chunking c;
  c.count = count;
  std::size_t wanted = std::max<std::size_t>(1, std::size_t{threads} * per_thread);
  c.chunk = std::max<std::size_t>(std::max<std::size_t>(1, min_chunk), (count + wanted - 1) / wanted);
  return c;
}

// Threads kept for the life of the process and lent to for_each_chunk():
// a gigabyte takes thousands of parallel steps, and starting and joining
// threads for each cost more than the shorter steps themselves. A caller
// always works on its own job too, so a job never waits for a helper to be
// free, and a step inside a step (on a helper) cannot deadlock.
class Helpers {
 public:
  struct Job {
    virtual void run() = 0;        // claims and runs parts until none are left
    unsigned wanted = 0;           // helpers still to join (guarded by the mutex)
    std::atomic<unsigned> active;  // helpers running it (changed under the mutex)

   protected:
    ~Job() = default;
  };

  static Helpers& shared() {
    static Helpers helpers;
    return helpers;
  }

  // Lends up to `wanted` helpers to `job` until finish(job).
  void offer(Job& job, unsigned wanted) {
    {
      std::lock_guard lock(mutex_);
      while (threads_.size() < std::min(wanted, kMostHelpers)) threads_.emplace_back([this] { help(); });
      job.wanted = wanted;
      job.active = 0;
      open_.push_back(&job);
      open_count_ = open_.size();
    }
    offered_.notify_all();
  }

  // Withdraws the offer, then waits for the helpers that took it to leave.
  // Once withdrawn, no helper can take the job, so a helper seen to have
  // left has left for good, and the job may end.
  void finish(Job& job) {
    std::unique_lock lock(mutex_);
    std::erase(open_, &job);
    open_count_ = open_.size();
    if (job.active == 0) return;
    lock.unlock();
    if (spin_until([&] { return job.active == 0; })) return;
    lock.lock();
    left_.wait(lock, [&] { return job.active == 0; });
  }

  Helpers(const Helpers&) = delete;
  Helpers& operator=(const Helpers&) = delete;

 private:
  static constexpr unsigned kMostHelpers = 255;

  Helpers() = default;
  ~Helpers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    offered_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  void help() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (open_.empty() && !stopping_) {
        // The next step usually comes within microseconds of the last.
        lock.unlock();
        spin_until([&] { return open_count_.load(std::memory_order_relaxed) != 0; });
        lock.lock();
      }
      offered_.wait(lock, [&] { return stopping_ || !open_.empty(); });
      if (stopping_) return;
      Job* job = open_.front();
      if (--job->wanted == 0) open_.pop_front();
      open_count_ = open_.size();
      ++job->active;
      lock.unlock();
      job->run();
      lock.lock();
      // The job may end as soon as `active` is 0: nothing of it is touched after.
      if (job->active.fetch_sub(1) == 1) left_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable offered_, left_;
  std::deque<Job*> open_;
  std::atomic<std::size_t> open_count_{0};  // open_.size(), read without the mutex while spinning
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

// Calls body(chunk_index, begin, end) for every chunk of `c`, on up to
// `threads` threads (the caller's included). The first exception a chunk
// throws is rethrown here once every thread has stopped.
template <typename Body>
void for_each_chunk(const Chunking& c, unsigned threads, Body&& body) {
  std::size_t chunks = c.chunks();
  if (chunks == 0) return;
  threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), chunks));
  if (threads == 1) {
    for (std::size_t i = 0; i < chunks; ++i) body(i, c.begin(i), c.end(i));
    return;
  }
  struct Chunks final : Helpers::Job {
    Chunks(const Chunking& cut, Body& each) : chunking(cut), body(each) {}
    void run() override {
      const std::size_t count = chunking.chunks();
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          body(i, chunking.begin(i), chunking.end(i));
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          next = count;
        }
      }
    }
    const Chunking& chunking;
    Body& body;
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
  } job(c, body);
  Helpers& helpers = Helpers::shared();
  helpers.offer(job, threads - 1);
  job.run();
  helpers.finish(job);
  if (job.failure) std::rethrow_exception(job.failure);
}

// The common case: every element of [0, count) on its own, in any order.
template <typename Body>
void for_each_index(std::size_t count, unsigned threads, Body&& body, std::size_t min_chunk = 256) {
  for_each_chunk(chunking(count, threads, min_chunk), threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) body(i);
  });
}

// Work on `threads` threads, the caller's among them, while the caller's
// thread takes the results in order: work(i) for each i of [0, count),
// claimed in order and at most `ahead` past the item being taken, and
// take(i) on the caller's thread, in index order, as soon as work(i) is done.
// Taking thus overlaps the work instead of waiting for it; while the next
// item is not done, the caller works on one of its own rather than sleep,
// so no more threads run than there are cores. The first exception either
// throws is rethrown here once every thread has stopped.
template <typename Work, typename Take>
void work_then_take_in_order(std::size_t count, unsigned threads, std::size_t ahead, Work&& work, Take&& take) {
  if (count == 0) return;
  ahead = std::max<std::size_t>(1, ahead);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0, taken = 0;  // the next item to claim; items before `taken` are taken
  std::vector<char> done(count, 0);
  std::exception_ptr failure;
  bool stopped = false;
  auto claimable = [&] { return next < count && next < taken + ahead; };
  // Runs step(i) with the lock released and takes it again; false when the
  // step threw, which stops everything.
  auto unlocked = [&](std::unique_lock<std::mutex>& lock, auto& step, std::size_t i) {
    lock.unlock();
    try {
      step(i);
    } catch (...) {
      lock.lock();
      if (!failure) failure = std::current_exception();
      stopped = true;
      changed.notify_all();
      return false;
    }
    lock.lock();
    return true;
  };
  // Claims the next item and works on it; false when the work threw.
  auto work_next = [&](std::unique_lock<std::mutex>& lock) {
    std::size_t i = next++;
    if (!unlocked(lock, work, i)) return false;
    done[i] = 1;
    changed.notify_all();
    return true;
  };
  auto helper = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stopped || next == count || claimable(); });
      if (stopped || next == count || !work_next(lock)) return;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads > 1 ? threads - 1 : 0);
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(helper);
  {
    std::unique_lock lock(mutex);
    while (taken < count && !stopped) {
      if (done[taken]) {
        if (!unlocked(lock, take, taken)) break;
        ++taken;
        changed.notify_all();
      } else if (claimable()) {
        if (!work_next(lock)) break;
      } else {
        changed.wait(lock, [&] { return stopped || done[taken] != 0 || claimable(); });
      }
    }
    stopped = true;  // helpers waiting for room stop; after the last item they have stopped anyway
  }
  changed.notify_all();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

// Items handed to a thread of its own, which uses them one at a time in the
// order given while the giver goes on; at most `queued` wait. The first
// exception `use` throws is rethrown by the next give() or drain(), and the
// items after it are dropped. Destruction waits for every item given.
template <typename Item>
class HandOff {
 public:
  HandOff(std::size_t queued, std::function<void(Item&)> use)
      : queued_(std::max<std::size_t>(1, queued)), use_(std::move(use)), thread_([this] { use_until_stopped(); }) {}
  ~HandOff() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  HandOff(const HandOff&) = delete;
  HandOff& operator=(const HandOff&) = delete;

  void give(Item item) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failure_ || queue_.size() < queued_; });
    if (failure_) std::rethrow_exception(failure_);
    queue_.push_back(std::move(item));
    lock.unlock();
    changed_.notify_all();
  }

  // Returns once every item given so far is used.
  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failure_ || (queue_.empty() && !using_); });
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  void use_until_stopped() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped, and everything used
      Item item = std::move(queue_.front());
      queue_.pop_front();
      using_ = true;
      lock.unlock();
      changed_.notify_all();  // room in the queue
      std::exception_ptr failed;
      if (!failure_) {  // only this thread sets it
        try {
          use_(item);
        } catch (...) {
          failed = std::current_exception();
        }
      }
      lock.lock();
      if (failed) failure_ = failed;
      using_ = false;
      changed_.notify_all();
    }
  }

  const std::size_t queued_;
  std::function<void(Item&)> use_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  bool using_ = false;
  bool stopped_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts once everything it uses is ready
};

// Output made on every core but written in order: `make(i)` gives item i's
// text (a string, or anything holding text), `batch` items at a time, and
// `write(i, text)` receives them in index order, so the whole output is never
// held at once.
template <typename Make, typename Write>
void make_in_order(std::size_t count, std::size_t batch, std::size_t min_chunk, Make&& make, Write&& write) {
  using Text = std::invoke_result_t<Make&, std::size_t>;
  for (std::size_t first = 0; first < count; first += batch) {
    std::vector<Text> texts(std::min(batch, count - first));
    for_each_index(texts.size(), core_count(), [&](std::size_t i) { texts[i] = make(first + i); }, min_chunk);
    for (std::size_t i = 0; i < texts.size(); ++i) write(first + i, texts[i]);
  }
}

}  // namespace sipsleuth::base
