import Checker
import Testing
