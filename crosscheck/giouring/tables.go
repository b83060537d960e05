package giouring

import (
	"unsafe"

	"github.com/liburing-go/liburing/parity"
	g "github.com/pawelgaczynski/giouring"
)

// Constants maps C constant names to giouring's values.
func (Impl) Constants() map[string]uint64 {
	m := map[string]uint64{}
	ops := []string{"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
		"SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
		"LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
		"FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
		"REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT",
		"MSG_RING", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC",
		"SENDMSG_ZC"}
	theirs := []uint8{g.OpNop, g.OpReadv, g.OpWritev, g.OpFsync, g.OpReadFixed, g.OpWriteFixed, g.OpPollAdd,
		g.OpPollRemove, g.OpSyncFileRange, g.OpSendmsg, g.OpRecvmsg, g.OpTimeout, g.OpTimeoutRemove, g.OpAccept,
		g.OpAsyncCancel, g.OpLinkTimeout, g.OpConnect, g.OpFallocate, g.OpOpenat, g.OpClose, g.OpFilesUpdate,
		g.OpStatx, g.OpRead, g.OpWrite, g.OpFadvise, g.OpMadvise, g.OpSend, g.OpRecv, g.OpOpenat2, g.OpEpollCtl,
		g.OpSplice, g.OpProvideBuffers, g.OpRemoveBuffers, g.OpTee, g.OpShutdown, g.OpRenameat, g.OpUnlinkat,
		g.OpMkdirat, g.OpSymlinkat, g.OpLinkat, g.OpMsgRing, g.OpFsetxattr, g.OpSetxattr, g.OpFgetxattr,
		g.OpGetxattr, g.OpSocket, g.OpUringCmd, g.OpSendZC, g.OpSendMsgZC}
	for i, n := range ops {
		m["IORING_OP_"+n] = uint64(theirs[i])
	}
	m["IORING_OP_LAST"] = uint64(g.OpLast)
	for n, v := range map[string]uint8{"IOSQE_FIXED_FILE": g.SqeFixedFile, "IOSQE_IO_DRAIN": g.SqeIODrain,
		"IOSQE_IO_LINK": g.SqeIOLink, "IOSQE_IO_HARDLINK": g.SqeIOHardlink, "IOSQE_ASYNC": g.SqeAsync,
		"IOSQE_BUFFER_SELECT": g.SqeBufferSelect, "IOSQE_CQE_SKIP_SUCCESS": g.SqeCQESkipSuccess} {
		m[n] = uint64(v)
	}
	for n, v := range map[string]uint32{
		"IORING_SETUP_IOPOLL": g.SetupIOPoll, "IORING_SETUP_SQPOLL": g.SetupSQPoll, "IORING_SETUP_SQ_AFF": g.SetupSQAff,
		"IORING_SETUP_CQSIZE": g.SetupCQSize, "IORING_SETUP_CLAMP": g.SetupClamp, "IORING_SETUP_ATTACH_WQ": g.SetupAttachWQ,
		"IORING_SETUP_R_DISABLED": g.SetupRDisabled, "IORING_SETUP_SUBMIT_ALL": g.SetupSubmitAll,
		"IORING_SETUP_COOP_TASKRUN": g.SetupCoopTaskrun, "IORING_SETUP_TASKRUN_FLAG": g.SetupTaskrunFlag,
		"IORING_SETUP_SQE128": g.SetupSQE128, "IORING_SETUP_CQE32": g.SetupCQE32,
		"IORING_SETUP_SINGLE_ISSUER": g.SetupSingleIssuer, "IORING_SETUP_DEFER_TASKRUN": g.SetupDeferTaskrun,
		"IORING_SETUP_NO_MMAP": g.SetupNoMmap, "IORING_SETUP_REGISTERED_FD_ONLY": g.SetupRegisteredFdOnly,
		"IORING_FEAT_SINGLE_MMAP": g.FeatSingleMMap, "IORING_FEAT_NODROP": g.FeatNoDrop,
		"IORING_FEAT_SUBMIT_STABLE": g.FeatSubmitStable, "IORING_FEAT_RW_CUR_POS": g.FeatRWCurPos,
		"IORING_FEAT_CUR_PERSONALITY": g.FeatCurPersonality, "IORING_FEAT_FAST_POLL": g.FeatFastPoll,
		"IORING_FEAT_POLL_32BITS": g.FeatPoll32Bits, "IORING_FEAT_SQPOLL_NONFIXED": g.FeatSQPollNonfixed,
		"IORING_FEAT_EXT_ARG": g.FeatExtArg, "IORING_FEAT_NATIVE_WORKERS": g.FeatNativeWorkers,
		"IORING_FEAT_RSRC_TAGS": g.FeatRcrcTags, "IORING_FEAT_CQE_SKIP": g.FeatCQESkip,
		"IORING_FEAT_LINKED_FILE": g.FeatLinkedFile, "IORING_FEAT_REG_REG_RING": g.FeatRegRegRing,
		"IORING_ENTER_GETEVENTS": g.EnterGetEvents, "IORING_ENTER_SQ_WAKEUP": g.EnterSQWakeup,
		"IORING_ENTER_SQ_WAIT": g.EnterSQWait, "IORING_ENTER_EXT_ARG": g.EnterExtArg,
		"IORING_ENTER_REGISTERED_RING": g.EnterRegisteredRing,
		"IORING_CQE_F_BUFFER":          g.CQEFBuffer, "IORING_CQE_F_MORE": g.CQEFMore,
		"IORING_CQE_F_SOCK_NONEMPTY": g.CQEFSockNonempty, "IORING_CQE_F_NOTIF": g.CQEFNotif,
		"IORING_CQE_BUFFER_SHIFT": g.CQEBufferShift,
		"IORING_REGISTER_BUFFERS": g.RegisterBuffers, "IORING_UNREGISTER_BUFFERS": g.UnregisterBuffers,
		"IORING_REGISTER_FILES": g.RegisterFiles, "IORING_UNREGISTER_FILES": g.UnregisterFiles,
		"IORING_REGISTER_EVENTFD": g.RegisterEventFD, "IORING_UNREGISTER_EVENTFD": g.UnregisterEventFD,
		"IORING_REGISTER_FILES_UPDATE": g.RegisterFilesUpdate, "IORING_REGISTER_EVENTFD_ASYNC": g.RegisterEventFDAsync,
		"IORING_REGISTER_PROBE": g.RegisterProbe, "IORING_REGISTER_PERSONALITY": g.RegisterPersonality,
		"IORING_UNREGISTER_PERSONALITY": g.UnregisterPersonality, "IORING_REGISTER_RESTRICTIONS": g.RegisterRestrictions,
		"IORING_REGISTER_ENABLE_RINGS": g.RegisterEnableRings, "IORING_REGISTER_FILES2": g.RegisterFiles2,
		"IORING_REGISTER_FILES_UPDATE2": g.RegisterFilesUpdate2, "IORING_REGISTER_BUFFERS2": g.RegisterBuffers2,
		"IORING_REGISTER_BUFFERS_UPDATE": g.RegisterBuffersUpdate, "IORING_REGISTER_IOWQ_AFF": g.RegisterIOWQAff,
		"IORING_UNREGISTER_IOWQ_AFF": g.UnregisterIOWQAff, "IORING_REGISTER_IOWQ_MAX_WORKERS": g.RegisterIOWQMaxWorkers,
		"IORING_REGISTER_RING_FDS": g.RegisterRingFDs, "IORING_UNREGISTER_RING_FDS": g.UnregisterRingFDs,
		"IORING_REGISTER_PBUF_RING": g.RegisterPbufRing, "IORING_UNREGISTER_PBUF_RING": g.UnregisterPbufRing,
		"IORING_REGISTER_SYNC_CANCEL": g.RegisterSyncCancel, "IORING_REGISTER_FILE_ALLOC_RANGE": g.RegisterFileAllocRange,
		"IORING_REGISTER_LAST": g.RegisterLast, "IORING_REGISTER_USE_REGISTERED_RING": g.RegisterUseRegisteredRing,
		"IORING_FSYNC_DATASYNC": g.FsyncDatasync, "IORING_URING_CMD_FIXED": g.UringCmdFixed,
		"IORING_TIMEOUT_ABS": g.TimeoutAbs, "IORING_TIMEOUT_UPDATE": g.TimeoutUpdate,
		"IORING_TIMEOUT_BOOTTIME": g.TimeoutBoottime, "IORING_TIMEOUT_REALTIME": g.TimeoutRealtime,
		"IORING_LINK_TIMEOUT_UPDATE": g.LinkTimeoutUpdate, "IORING_TIMEOUT_ETIME_SUCCESS": g.TimeoutETimeSuccess,
		"IORING_TIMEOUT_MULTISHOT": g.TimeoutMultishot, "IORING_TIMEOUT_CLOCK_MASK": g.TimeoutClockMask,
		"IORING_TIMEOUT_UPDATE_MASK": g.TimeoutUpdateMask, "SPLICE_F_FD_IN_FIXED": g.SpliceFFdInFixed,
		"IORING_POLL_ADD_MULTI": g.PollAddMulti, "IORING_POLL_UPDATE_EVENTS": g.PollUpdateEvents,
		"IORING_POLL_UPDATE_USER_DATA": g.PollUpdateUserData, "IORING_POLL_ADD_LEVEL": g.PollAddLevel,
		"IORING_ASYNC_CANCEL_ALL": g.AsyncCancelAll, "IORING_ASYNC_CANCEL_FD": g.AsyncCancelFd,
		"IORING_ASYNC_CANCEL_ANY": g.AsyncCancelAny, "IORING_ASYNC_CANCEL_FD_FIXED": g.AsyncCancelFdFixed,
		"IORING_NOTIF_USAGE_ZC_COPIED": g.NotifUsageZCCopied, "IORING_MSG_DATA": g.MsgData,
		"IORING_MSG_SEND_FD": g.MsgSendFd, "IORING_MSG_RING_CQE_SKIP": g.MsgRingCQESkip,
		"IORING_MSG_RING_FLAGS_PASS": g.MsgRingFlagsPass, "IORING_FILE_INDEX_ALLOC": g.FileIndexAlloc,
		"IORING_RSRC_REGISTER_SPARSE": g.RsrcRegisterSparse,
	} {
		m[n] = uint64(v)
	}
	for n, v := range map[string]uint16{"IORING_RECVSEND_POLL_FIRST": g.RecvsendPollFirst,
		"IORING_RECV_MULTISHOT": g.RecvMultishot, "IORING_RECVSEND_FIXED_BUF": g.RecvsendFixedBuf,
		"IORING_SEND_ZC_REPORT_USAGE": g.SendZCReportUsage, "IORING_ACCEPT_MULTISHOT": g.AcceptMultishot} {
		m[n] = uint64(v)
	}
	skip := g.RegisterFilesSkip
	m["IORING_REGISTER_FILES_SKIP"] = uint64(int64(skip))
	return m
}

// Layout reports giouring's structs under C's names.
func (Impl) Layout() []parity.LayoutEntry {
	var s g.SubmissionQueueEntry
	var c g.CompletionQueueEvent
	var br g.BufReg
	var fu g.FilesUpdate
	l := func(st, f string, off, size uintptr) parity.LayoutEntry {
		return parity.LayoutEntry{Struct: st, Field: f, Offset: uint64(off), Size: uint64(size)}
	}
	const sq, cq = "struct io_uring_sqe", "struct io_uring_cqe"
	return []parity.LayoutEntry{
		l(sq, "", 0, unsafe.Sizeof(s)),
		l(sq, "opcode", unsafe.Offsetof(s.OpCode), unsafe.Sizeof(s.OpCode)),
		l(sq, "flags", unsafe.Offsetof(s.Flags), unsafe.Sizeof(s.Flags)),
		l(sq, "ioprio", unsafe.Offsetof(s.IoPrio), unsafe.Sizeof(s.IoPrio)),
		l(sq, "fd", unsafe.Offsetof(s.Fd), unsafe.Sizeof(s.Fd)),
		l(sq, "off", unsafe.Offsetof(s.Off), unsafe.Sizeof(s.Off)),
		l(sq, "addr", unsafe.Offsetof(s.Addr), unsafe.Sizeof(s.Addr)),
		l(sq, "len", unsafe.Offsetof(s.Len), unsafe.Sizeof(s.Len)),
		l(sq, "rw_flags", unsafe.Offsetof(s.OpcodeFlags), unsafe.Sizeof(s.OpcodeFlags)),
		l(sq, "user_data", unsafe.Offsetof(s.UserData), unsafe.Sizeof(s.UserData)),
		l(sq, "buf_index", unsafe.Offsetof(s.BufIG), unsafe.Sizeof(s.BufIG)),
		l(sq, "personality", unsafe.Offsetof(s.Personality), unsafe.Sizeof(s.Personality)),
		l(sq, "splice_fd_in", unsafe.Offsetof(s.SpliceFdIn), unsafe.Sizeof(s.SpliceFdIn)),
		l(sq, "addr3", unsafe.Offsetof(s.Addr3), unsafe.Sizeof(s.Addr3)),
		l(cq, "", 0, unsafe.Sizeof(c)),
		l(cq, "user_data", unsafe.Offsetof(c.UserData), unsafe.Sizeof(c.UserData)),
		l(cq, "res", unsafe.Offsetof(c.Res), unsafe.Sizeof(c.Res)),
		l(cq, "flags", unsafe.Offsetof(c.Flags), unsafe.Sizeof(c.Flags)),
		l("struct io_uring_buf_reg", "", 0, unsafe.Sizeof(br)),
		l("struct io_uring_buf_reg", "ring_addr", unsafe.Offsetof(br.RingAddr), unsafe.Sizeof(br.RingAddr)),
		l("struct io_uring_buf_reg", "ring_entries", unsafe.Offsetof(br.RingEntries), unsafe.Sizeof(br.RingEntries)),
		l("struct io_uring_buf_reg", "bgid", unsafe.Offsetof(br.Bgid), unsafe.Sizeof(br.Bgid)),
		l("struct io_uring_buf_reg", "resv", unsafe.Offsetof(br.Resv), unsafe.Sizeof(br.Resv)),
		l("struct io_uring_files_update", "", 0, unsafe.Sizeof(fu)),
		l("struct io_uring_files_update", "offset", unsafe.Offsetof(fu.Offset), unsafe.Sizeof(fu.Offset)),
		l("struct io_uring_files_update", "fds", unsafe.Offsetof(fu.Fds), unsafe.Sizeof(fu.Fds)),
	}
}
